# SPDX-License-Identifier: MIT
"""prices.py: the Azure Retail Prices API (GET /api/retail/prices) over a
JSON file of price items, and the per-GB Standard and Archive prices the
emulator's recommendation and fetchTieringCost answers use.

Used by armemu.py and backup.py. Without a file the API serves no items and
the storage prices are the fixed 0.0224 (Standard) and 0.0013 (Archive)
USD per GB-month that azure-backup.md 4.3 quotes for East US."""

import json
import urllib.parse

import odata
from errors import Response

PAGE = 100
DEFAULT_STANDARD = 0.0224
DEFAULT_ARCHIVE = 0.0013
STANDARD_METERS = {"LocallyRedundant": "Standard LRS Data Stored",
                   "ZoneRedundant": "Standard ZRS Data Stored",
                   "GeoRedundant": "Standard GRS Data Stored"}


def _region(name):
    return (name or "").replace(" ", "").lower()


class Prices:
    def __init__(self, path=None):
        self.items = []
        if path:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            items = data.get("Items") if isinstance(data, dict) else data
            if not isinstance(items, list) or not all(
                    isinstance(i, dict) for i in items):
                raise ValueError("%s: expected a JSON list of price items or "
                                 "an object with 'Items'" % path)
            self.items = items

    def api(self, req):
        """GET /api/retail/prices: {BillingCurrency, CustomerEntityId,
        CustomerEntityType, Items, NextPageLink, Count}, 100 a page."""
        currency = (req.q("currencyCode") or "'USD'").strip("'").upper()
        case_sensitive = (req.q("api-version") or "").startswith(
            "2023-01-01-preview")
        text = req.q("$filter")
        try:
            tree = odata.parse(text) if text else None
            skip = int(req.q("$skip") or 0)
            if skip < 0:
                raise ValueError("negative $skip")
            rows = [i for i in self.items
                    if i.get("currencyCode", "USD").upper() == currency and
                    (tree is None or odata.evaluate(tree, i,
                                                    case_sensitive))]
        except ValueError as e:
            return Response(400, {"Error": {"Code": "BadRequest",
                                            "Message": "Invalid OData "
                                            "parameters supplied: %s" % e}})
        page = rows[skip:skip + PAGE]
        link = None
        if skip + PAGE < len(rows):
            params = [(k, v) for k, v in req.query if k.lower() != "$skip"]
            params.append(("$skip", str(skip + PAGE)))
            link = "%s/api/retail/prices?%s" % (req.base, "&".join(
                "%s=%s" % (k, urllib.parse.quote(v, safe="'(),$:"))
                for k, v in params))
        return Response(200, {"BillingCurrency": currency,
                              "CustomerEntityId": "Default",
                              "CustomerEntityType": "Retail",
                              "Items": page, "NextPageLink": link,
                              "Count": len(page)})

    def _meter(self, region, meter):
        found = [i for i in self.items
                 if str(i.get("serviceName", "")).lower() == "backup" and
                 _region(i.get("armRegionName")) == _region(region) and
                 i.get("meterName") == meter and
                 i.get("type", "Consumption") == "Consumption" and
                 i.get("currencyCode", "USD").upper() == "USD"]
        found.sort(key=lambda i: i.get("tierMinimumUnits", 0))
        return float(found[0]["retailPrice"]) if found else None

    def storage_prices(self, vault_row):
        """(Standard, Archive) USD per GB-month for a vault's region and
        redundancy (RA-GRS when a GRS vault has cross-region restore)."""
        red = vault_row["redundancy"]
        meter = STANDARD_METERS.get(red, STANDARD_METERS["LocallyRedundant"])
        if red == "GeoRedundant" and \
                vault_row["cross_region_restore"] == "Enabled":
            meter = "Standard RA-GRS Data Stored"
        region = vault_row["location"]
        std = self._meter(region, meter)
        arc = None
        if red == "GeoRedundant":
            arc = self._meter(region, "Archive GRS Data Stored")
        if arc is None:
            arc = self._meter(region, "Archive LRS Data Stored")
        return (std if std is not None else DEFAULT_STANDARD,
                arc if arc is not None else DEFAULT_ARCHIVE)
