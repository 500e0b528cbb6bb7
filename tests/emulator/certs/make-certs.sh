#!/bin/sh
# make-certs.sh: regenerates the emulator's test PKI with the openssl command
# line (run once; the results are committed). Test material only: these keys
# protect nothing but a server bound to 127.0.0.1.
#   ca.pem / ca.key          test CA (trust it with --ca-bundle / CURLOPT_CAINFO)
#   server.pem / server.key  localhost, 127.0.0.1 and ::1, signed by the CA
#   client.pem               client certificate + its key in one PEM, for JWT
#                            client assertions (AZURE_CLIENT_CERTIFICATE_PATH)
set -eu
cd "$(dirname "$0")"
days=36500
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days $days \
	-keyout ca.key -out ca.pem -subj "/CN=vaultwise emulator test CA" \
	-addext "basicConstraints=critical,CA:TRUE" \
	-addext "keyUsage=critical,keyCertSign,cRLSign"
openssl req -newkey rsa:2048 -nodes -sha256 -keyout server.key \
	-out server.csr -subj "/CN=localhost"
printf '%s\n' "basicConstraints=CA:FALSE" \
	"keyUsage=critical,digitalSignature,keyEncipherment" \
	"extendedKeyUsage=serverAuth" \
	"subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1" >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial \
	-sha256 -days $days -extfile server.ext -out server.pem
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days $days \
	-keyout client.key -out client.crt -subj "/CN=vaultwise-emu-client"
cat client.crt client.key >client.pem
rm -f server.csr server.ext ca.srl client.crt client.key
