#!/bin/sh
# plan.sh: `vaultwise plan` and `vaultwise run` on the bundled sample, as a
# FinOps user would check them: files and columns as the SPEC says, a
# reason and a currency on every row, determinism, and clean failures that
# leave nothing half-written.
. tests/e2e/lib.sh
S="$VW_TOP/data/sample"

expect_exit 0 "run with no snapshot uses the bundled sample" \
	"$VAULTWISE" run --out "$T/run"
grep_ok "run says it uses the sample on stderr" "bundled sample estate" "$T/err"
grep_ok "run prints the projected saving with a currency" \
	"projected saving: [0-9.]+ (EUR|USD)/month" "$T/out"
for f in plan.csv policy_changes.csv strategies.csv summary.csv plan.json \
	vault_months.csv; do
	check "run wrote plan/$f" test -s "$T/run/plan/$f"
done
# run makes the report's pass over the points while the plan runs, with
# the price sheet and currency the plan takes: its report says what
# `report` says of the same inputs (and so with another currency).
expect_exit 0 "run in USD" "$VAULTWISE" run -q --snapshot "$S" \
	--currency USD --out "$T/run-usd"
for r in run run-usd; do
	expect_exit 0 "report on $r's files" "$VAULTWISE" report -q "$S" \
		--plan "$T/$r/plan" --model "$T/$r/model.json" \
		--rpo "$T/$r/rpo_rto.csv" --posture "$T/$r/posture.csv" \
		--out "$T/$r-report"
	for f in focus.csv forecast.csv vaults.csv policies.csv; do
		check "$r's report/$f is report's" \
			cmp "$T/$r/report/$f" "$T/$r-report/$f"
	done
done

expect_exit 0 "plan on the sample" "$VAULTWISE" plan "$S" --out "$T/p1"
check "plan.csv starts with the SPEC columns" sh -c "head -1 '$T/p1/plan.csv' |
	grep -q '^vault_id,policy_id,item_id,rp_id,action,move_date,reason,monthly_cost_now,monthly_cost_after,saving_total,p_restore,p_restore_lo,p_restore_hi,currency'"
check "strategies.csv starts with the SPEC columns" sh -c "head -1 '$T/p1/strategies.csv' |
	grep -q '^strategy,month,standard_gb,archive_gb,cost,currency'"
check "every plan row has an action, a reason and a currency" python3 - "$T/p1/plan.csv" "$T/p1/reasons.csv" <<'PY'
import collections, csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
reasons = {r['reason_code']: r
           for r in csv.DictReader(open(sys.argv[2], newline=''))}
assert rows, "no rows"
n = collections.Counter(r['reason_code'] for r in rows)
for r in rows:
    assert r['action'] in ('move_now', 'move_on', 'keep', 'ineligible'), r
    # a code reasons.csv explains; the sentence on the row when the code's
    # sentence and the columns do not say it all
    assert r['reason_code'] in reasons, r
    if reasons[r['reason_code']]['reason_column'] == 'always':
        assert len(r['reason']) > 10, r
    assert r['currency'] in ('EUR', 'USD'), r
    if r['action'] in ('move_now', 'move_on'):
        assert r['move_date'] and float(r['saving_total']) > 0, r
        assert float(r['monthly_cost_after']) < float(r['monthly_cost_now']) or \
            r['action'] == 'move_on', r
# reasons.csv: one row per code used, counting plan.csv's rows
assert {k: int(v['points']) for k, v in reasons.items()} == dict(n), n
PY
check "strategies: five strategies over 36 months" python3 - "$T/p1/strategies.csv" <<'PY'
import csv, sys, collections
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
n = collections.Counter(r['strategy'] for r in rows)
assert set(n) == {'do_nothing', 'tier_after_3m', 'tier_recommended',
                  'move_all_eligible', 'plan'}, n
assert all(v == 36 for v in n.values()), n
# the sample has no recommended sets: the local model, and it says so
assert all(r['recommended_from'].startswith("the local model of Azure's")
           for r in rows if r['strategy'] == 'tier_recommended'), rows[0]
PY
check "summary totals add up over the vaults" python3 - "$T/p1/summary.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
vaults = [r for r in rows if r['level'] == 'vault']
total = [r for r in rows if r['level'] == 'total'][0]
for col in ('points', 'considered', 'move_now'):
    assert sum(int(r[col]) for r in vaults) == int(total[col]), col
assert abs(sum(float(r['monthly_storage_now']) for r in vaults)
           - float(total['monthly_storage_now'])) < 0.1
PY

expect_exit 0 "plan again" "$VAULTWISE" plan "$S" --out "$T/p2"
check "the same snapshot gives the same plan" cmp "$T/p1/plan.csv" "$T/p2/plan.csv"
expect_exit 0 "plan replaces its own earlier output" "$VAULTWISE" plan "$S" --out "$T/p2"

expect_exit 0 "plan in USD" "$VAULTWISE" plan "$S" --out "$T/usd" --currency USD
grep_ok "USD plan rows are in USD" ",USD," "$T/usd/plan.csv"
expect_exit 64 "a currency the price sheet lacks is a usage error" \
	"$VAULTWISE" plan "$S" --out "$T/jpy" --currency JPY
grep_ok "the error names the flag, and the sheet's currencies" \
	"^vaultwise: error: --currency JPY: .* has no prices in JPY \(it has EUR, USD\)" \
	"$T/err"
check "no output is left behind" test ! -e "$T/jpy"

mkdir "$T/foreign" && echo keep >"$T/foreign/notes.txt"
expect_exit 73 "plan refuses to replace a directory it did not write" \
	"$VAULTWISE" plan "$S" --out "$T/foreign"
check "the foreign directory is untouched" test -f "$T/foreign/notes.txt"

expect_exit 66 "a missing snapshot" "$VAULTWISE" plan "$T/nope" --out "$T/x"
expect_exit 64 "plan without --out" "$VAULTWISE" plan "$S"
expect_exit 64 "plan with an unknown flag" "$VAULTWISE" plan "$S" --out "$T/x" --frobnicate
grep_ok "usage errors point to help" "vaultwise help plan" "$T/err"

cp -r "$S" "$T/tampered"
sed -i '2s/,monthly,/,yearly,/' "$T/tampered/recovery_points.csv"
expect_exit 65 "a snapshot edited after export is refused" \
	"$VAULTWISE" plan "$T/tampered" --out "$T/t"
grep_ok "the error says the file changed" \
	"recovery_points.csv has changed since manifest.json was written" "$T/err"
check "no plan directory is left behind" test ! -e "$T/t"

printf 'region,currency,meter,unit,price,source,source_date,quality\nwesteurope,EUR,standard_lrs,1 GB/Month,abc,x,2026-01-01,published\n' >"$T/bad-prices.csv"
expect_exit 65 "a bad price sheet" "$VAULTWISE" plan "$S" --out "$T/b" --prices "$T/bad-prices.csv"
grep_ok "the error names file, line and column" \
	"bad-prices.csv:2: column 'price': expected a decimal number" "$T/err"
# With the restore-likelihood model (issue: model-based decisions).
expect_exit 0 "fit the sample's restore model" "$VAULTWISE" fit "$S" --out "$T/model.json"
expect_exit 0 "plan with the model and the example targets" \
	"$VAULTWISE" plan "$S" --out "$T/pm" --model "$T/model.json" \
	--targets "$VW_TOP/data/targets.example.csv"
grep_ok "the summary says the model decided" "decided with the restore-likelihood model" "$T/out"
check "model rows: P(restore) with an interval, 180 days left at every move" python3 - "$T/pm/plan.csv" <<'PY'
import csv, sys, datetime as dt
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
day = lambda s: dt.date.fromisoformat(s[:10])
moves = 0
for r in rows:
    assert r['method'] == 'model', r
    p, lo, hi = (float(r[k]) for k in ('p_restore', 'p_restore_lo', 'p_restore_hi'))
    assert 0 <= lo <= p <= hi <= 1, r
    if r['action'] in ('move_now', 'move_on'):
        moves += 1
        assert float(r['saving_total']) > 0, r
        assert float(r['monthly_cost_after']) < float(r['monthly_cost_now']), r
        if r['expiry_time']:
            assert (day(r['expiry_time']) - day(r['move_date'])).days >= 180, r
        # the P(restore) of the sentence is in the row's columns, or
        # in its own sentence when that says more
        assert r['reason_code'] in ('breakeven',
                                    'breakeven-after-dependants'), r
        assert not r['reason'] or 'P(restore)' in r['reason'], r
assert moves > 100, moves
PY
grep_ok "a low-churn VM is kept, with the reason" ",keep,[^,]*,\"?low churn" "$T/pm/plan.csv"
grep_ok "RTO targets hold points in Standard, naming the target" \
	"target [a-z0-9-]+ needs it back within" "$T/pm/plan.csv"
check "vault_months.csv: per vault, the plan line; cost = its storage + restores" \
	python3 - "$T/pm/vault_months.csv" "$T/pm/strategies.csv" <<'PY'
import collections, csv, sys
cost, restores = collections.Counter(), 0.0
for r in csv.DictReader(open(sys.argv[1], newline='')):
    assert r['strategy'] == 'plan' and r['currency'] == 'EUR', r
    parts = sum(float(r[k]) for k in ('standard_cost', 'files_vaulted_cost',
                                      'archive_cost', 'restore_cost'))
    assert abs(parts - float(r['cost'])) < 0.006, r
    for gb, price, money in (
            ('standard_gb', 'standard_gb_month_price', 'standard_cost'),
            ('files_vaulted_gb', 'files_vaulted_gb_month_price',
             'files_vaulted_cost')):
        assert abs(float(r[gb]) * float(r[price]) - float(r[money])) \
            < 0.006 + 1e-6 * float(r[money]), r
    assert float(r['restore_cost']) >= 0 and float(r['expected_restores']) >= 0
    cost[r['month']] += float(r['cost'])
    restores += float(r['expected_restores'])
plan = [r for r in csv.DictReader(open(sys.argv[2], newline=''))
        if r['strategy'] == 'plan']
assert len(plan) == 36 and set(cost) == {r['month'] for r in plan}
for r in plan:
    assert abs(cost[r['month']] - float(r['cost'])) < 0.07, (r, cost)
assert restores > 0, "the model expects restores from Archive"
PY
# domain-audit P7: rsv-files-weu-01 protects 3 VMs and 10 vaulted shares;
# the shares' GiB are priced on the Files Vaulted meter, the VMs' on Standard
check "vault_months.csv: vaulted file shares on their own meter" \
	python3 - "$T/pm/vault_months.csv" "$VW_TOP/data/prices/prices.csv" <<'PY'
import csv, sys
sheet = {(r["region"], r["meter"]): float(r["price"])
         for r in csv.DictReader(open(sys.argv[2], newline=''))}
rows = [r for r in csv.DictReader(open(sys.argv[1], newline=''))
        if r['vault_name'] == 'rsv-files-weu-01']
assert len(rows) == 36, len(rows)
for r in rows:
    assert float(r['files_vaulted_gb']) > 0 and float(r['standard_gb']) > 0, r
    assert float(r['files_vaulted_gb_month_price']) == \
        sheet[("westeurope", "files_vaulted_grs")], r
    assert float(r['standard_gb_month_price']) == \
        sheet[("westeurope", "standard_grs")], r
# a vault without file shares has no Files Vaulted GiB
assert any(float(r['files_vaulted_gb']) == 0 for r in
           csv.DictReader(open(sys.argv[1], newline='')))
PY
expect_exit 0 "a conservative plan (--risk 0.9)" \
	"$VAULTWISE" plan "$S" --out "$T/p90" --model "$T/model.json" --risk 0.9 \
	--targets "$VW_TOP/data/targets.example.csv"
check "the 0.9 quantile moves no more points than the mean" sh -c \
	"[ \$(grep -c ',move_now,' '$T/p90/plan.csv') -le \$(grep -c ',move_now,' '$T/pm/plan.csv') ]"
expect_exit 64 "--risk below 0.5" "$VAULTWISE" plan "$S" --out "$T/x" --risk 0.3
expect_exit 66 "a missing model file" "$VAULTWISE" plan "$S" --out "$T/x" --model "$T/none.json"
echo '{"not": "a model"}' >"$T/bad.json"
expect_exit 65 "a file that is not a model" "$VAULTWISE" plan "$S" --out "$T/x" --model "$T/bad.json"
check "no output after a bad model" test ! -e "$T/x"
# levers.csv: the other ways to cut the bill, priced, never a retention cut
# below a target's min_retention_days or on a vault whose immutability is
# Locked; a stopped item's saving recomputed from items.csv and the sheet.
expect_exit 0 "plan with targets writes levers.csv" "$VAULTWISE" plan "$S" \
	--out "$T/pl" --targets "$VW_TOP/data/targets.example.csv"
cat >"$T/long.csv" <<'CSV'
target_id,scope_type,scope,tier,rpo_hours,rto_hours,min_retention_days
keep-90,workload,AzureVM,any,48,,90
CSV
expect_exit 0 "plan with a 90-day minimum retention" "$VAULTWISE" plan "$S" \
	--out "$T/pl90" --targets "$T/long.csv"
check "levers.csv: priced kinds, constraints kept, savings by hand" \
	python3 - "$T/pl/levers.csv" "$T/pl90/levers.csv" "$S" \
	"$VW_TOP/data/prices/prices.csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
rows90 = list(csv.DictReader(open(sys.argv[2], newline='')))
snap, sheet = sys.argv[3], sys.argv[4]
vaults = {v['vault_id']: v for v in csv.DictReader(open(snap + '/vaults.csv'))}
items = {i['item_id']: i for i in csv.DictReader(open(snap + '/items.csv'))}
priced = {r['lever'] for r in rows if r['saving_month']}
assert len(priced) >= 6, priced
kinds = {r['lever'] for r in rows}
assert len(kinds) >= 6, kinds
for r in rows + rows90:
    assert r['currency'] == 'EUR', r
    assert r['saving_month'] or r['constraint'].startswith('not priced'), r
    assert r['change'], r
    if r['lever'] in ('retention-daily', 'sql-log-retention', 'stale-stopped',
                      'stale-idle'):
        assert vaults[r['vault_id']]['immutability'] != 'Locked', r
    if r['lever'] in ('retention-daily', 'sql-log-retention') and \
            vaults[r['vault_id']]['immutability'] == 'Unlocked':
        assert 'Azure refuses' in r['constraint'], r
savings = [float(r['saving_month']) for r in rows if r['saving_month']]
assert savings == sorted(savings, reverse=True), "sorted by saving"
policies = {p['policy_id']: p
            for p in csv.DictReader(open(snap + '/policies.csv'))}
for r in rows90:
    if r['lever'] == 'sql-log-retention':
        count = int(r['change'].split('"count": ')[1].split(',')[0])
        assert 7 <= count < int(policies[r['policy_id']]['log_keep_days']), r
    if r['lever'] != 'retention-daily':
        continue
    count = int(r['change'].split('"count": ')[1].split('"')[0].strip(', '))
    assert 30 <= count < int(policies[r['policy_id']]['daily_keep_days']), r
    if policies[r['policy_id']]['workload'] == 'AzureVM':
        assert count >= 90 and r['constraint'].startswith('target keep-90'), r
# a stopped item: the fee (half a unit up to 50 GB, then one per 500 GB
# started) plus its Standard and Archive GiB at the vault's prices
price, first = {}, {}
for p in csv.DictReader(open(sheet)):
    price[(p['region'], p['currency'], p['meter'])] = float(p['price'])
    first.setdefault((p['currency'], p['meter']), float(p['price']))
meter = {'LocallyRedundant': 'standard_lrs', 'ZoneRedundant': 'standard_zrs',
         'GeoRedundant': 'standard_grs'}
for r in rows:
    if r['lever'] != 'stale-stopped':
        continue
    it, v = items[r['item_id']], vaults[r['vault_id']]
    red = meter[v['redundancy']]
    if red == 'standard_grs' and v['cross_region_restore'] == 'Enabled':
        red = 'standard_ragrs'
    arc = 'archive_grs' if v['redundancy'] == 'GeoRedundant' else 'archive_lrs'
    pi = {'AzureVM': 'pi_vm', 'SQL': 'pi_sql', 'HANA': 'pi_hana',
          'AzureFiles': 'pi_files'}[it['workload']]
    g = lambda m: price.get((v['location'], 'EUR', m), first[('EUR', m)])
    src = float(it['source_gb'])
    fee = g(pi) / 2 if src <= 50 else g(pi) * math.ceil(src / 500)
    want = fee + float(it['standard_gb']) * g(red) + \
        float(it['archive_gb']) * g(arc)
    assert abs(want - float(r['saving_month'])) < 0.01, (want, r)
PY
check "levers.csv: one row of each kind recomputed by hand" \
	python3 - "$T/pl/levers.csv" "$S" "$VW_TOP/data/prices/prices.csv" <<'PY'
import csv, datetime, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
snap, sheet = sys.argv[2], sys.argv[3]
load = lambda f: list(csv.DictReader(open(snap + '/' + f, newline='')))
vaults = {v['vault_id']: v for v in load('vaults.csv')}
items = {i['item_id']: i for i in load('items.csv')}
policies = {p['policy_id']: p for p in load('policies.csv')}
rps = {}
for p in load('recovery_points.csv'):
    rps.setdefault(p['item_id'], []).append(p)
price, first = {}, {}
for p in csv.DictReader(open(sheet)):
    price[(p['region'], p['currency'], p['meter'])] = float(p['price'])
    first.setdefault((p['currency'], p['meter']), float(p['price']))
def g(v, m):
    return price.get((v['location'], 'EUR', m), first[('EUR', m)])
def std(v):
    m = {'LocallyRedundant': 'standard_lrs', 'ZoneRedundant': 'standard_zrs',
         'GeoRedundant': 'standard_grs'}[v['redundancy']]
    if m == 'standard_grs' and v['cross_region_restore'] == 'Enabled':
        m = 'standard_ragrs'
    return g(v, m)
def stored(it, v):
    arc = 'archive_grs' if v['redundancy'] == 'GeoRedundant' else 'archive_lrs'
    pi = {'AzureVM': 'pi_vm', 'SQL': 'pi_sql', 'HANA': 'pi_hana',
          'AzureFiles': 'pi_files'}[it['workload']]
    src = float(it['source_gb'])
    fee = g(v, pi) / 2 if src <= 50 else g(v, pi) * math.ceil(src / 500)
    return fee + float(it['standard_gb']) * std(v) + \
        float(it['archive_gb']) * g(v, arc)
ts = lambda s: datetime.datetime.strptime(s, '%Y-%m-%dT%H:%M:%SZ')
now = ts('2026-11-01T00:00:00Z')
in_std = ('Standard', 'SnapshotAndStandard', 'StandardRehydrated')
def live(pid):
    return [i for i in items.values() if i['policy_id'] == pid and
            i['protection_state'] != 'ProtectionStopped' and
            i['soft_deleted'] != 'true']
def by_hand(r):
    v = vaults[r['vault_id']]
    it, pol = items.get(r['item_id']), policies.get(r['policy_id'])
    k = r['lever']
    if k in ('stale-stopped', 'stale-idle', 'soft-deleted'):
        return stored(it, v)
    if k == 'pi-band-edge':
        return g(v, 'pi_vm')
    if k == 'redundancy':
        gb = sum(float(i['standard_gb']) for i in items.values()
                 if i['vault_id'] == r['vault_id'])
        return gb * (std(v) - g(v, 'standard_lrs'))
    if k == 'retention-daily':
        keep = int(r['change'].split('"count": ')[1].split(',')[0])
        cut = now - datetime.timedelta(days=keep)
        return std(v) * sum(float(p['unique_gb']) for i in live(pol['policy_id'])
                            for p in rps.get(i['item_id'], [])
                            if p['rp_kind'] == 'daily' and p['tier'] in in_std
                            and ts(p['rp_time']) < cut)
    if k == 'sql-log-retention':
        keep = int(r['change'].split('"count": ')[1].split(',')[0])
        cut = now - datetime.timedelta(days=keep)
        return std(v) * sum(float(p['unique_gb']) for i in live(pol['policy_id'])
                            for p in rps.get(i['item_id'], [])
                            if p['rp_kind'] == 'log' and p['tier'] in in_std
                            and ts(p['rp_time']) < cut)
    if k == 'sql-schedule':
        cut = now - datetime.timedelta(days=int(pol['daily_keep_days']))
        gb = 0
        for i in live(pol['policy_id']):
            c = float(i['daily_churn'])
            diff = sum(1 - (1 - c) ** d for d in range(1, 7)) / 6
            fulls = [float(p['unique_gb']) for p in rps.get(i['item_id'], [])
                     if p['rp_kind'] == 'full' and p['tier'] in in_std
                     and ts(p['rp_time']) >= cut]
            gb += max(0, (sum(fulls) - len(fulls) * float(i['source_gb'])
                          * diff) * 6 / 7)
        return gb * std(v)
    if k == 'instant-restore':
        enh = pol['policy_type'] == 'Enhanced'
        keep, dflt = int(pol['instant_rp_days']), 7 if enh else 2
        # a day's snapshots hold a day's churn; weekly, the one snapshot
        # is the whole disk, kept min(days, 7) of every 7 days
        weekly = pol['frequency'] == 'Weekly'
        per_gb = lambda i: (min(keep, 7) - min(dflt, 7)) / 7 if weekly \
            else float(i['daily_churn']) * (keep - dflt)
        gb = sum(float(i['source_gb']) * per_gb(i)
                 for i in live(pol['policy_id']) if i['last_backup_time'])
        return gb * g(v, 'snapshot_zrs' if enh else 'snapshot_lrs')
    raise AssertionError('no hand computation for ' + k)
done = set()
for r in rows:
    if r['lever'] in done or not r['saving_month'] or \
            float(r['saving_month']) == 0:
        continue
    want = by_hand(r)
    assert abs(want - float(r['saving_month'])) < 0.01, (want, r)
    done.add(r['lever'])
assert len(done) >= 6, done
# soft-deleted data: billed until 14 days before its purge, which the row
# names; an AlwaysOn vault allows no early purge, so it saves nothing
for r in rows:
    if r['lever'] != 'soft-deleted':
        continue
    purge = ts(items[r['item_id']]['deferred_delete_time'])
    until = (purge - datetime.timedelta(days=14)).strftime('%Y-%m-%d')
    assert 'billed until ' + until in r['constraint'], r
    assert 'purged on ' + purge.strftime('%Y-%m-%d') in r['constraint'], r
    v = vaults[r['vault_id']]
    if v['soft_delete'] == 'AlwaysOn' or v['immutability'] == 'Locked':
        assert float(r['saving_month']) == 0, r
        assert 'cannot be purged sooner' in r['constraint'], r
    else:
        assert 'undelete' in r['change'], r
PY
# The redundancy lever reads the vault's env tag, not only its name; and
# reserved capacity is priced per region and redundancy once a group of
# vaults stores enough Standard to pay for a block.
mkdir -p "$T/big"
check "a copy of the sample: a prod-named vault tagged env=dev, 5x the data" \
	python3 - "$S" "$T/big" <<'PY'
import csv, hashlib, json, shutil, sys
src, dst = sys.argv[1], sys.argv[2]
shutil.copytree(src, dst, dirs_exist_ok=True)
def rewrite(name, fix):
    with open(src + '/' + name, newline='') as f:
        r = csv.DictReader(f)
        head, rows = r.fieldnames, [fix(x) or x for x in r]
    with open(dst + '/' + name, 'w', newline='') as f:
        w = csv.DictWriter(f, head, lineterminator='\r\n')
        w.writeheader()
        w.writerows(rows)
def dev(v):
    if v['vault_name'] == 'rsv-prod-uks-01':
        v['tags'] = 'env=dev'
def big(i):
    i['standard_gb'] = '%.2f' % (float(i['standard_gb']) * 5)
rewrite('vaults.csv', dev)
rewrite('items.csv', big)
m = json.load(open(src + '/manifest.json'))
for name in ('vaults.csv', 'items.csv'):
    m['files'][name]['sha256'] = hashlib.sha256(
        open(dst + '/' + name, 'rb').read()).hexdigest()
json.dump(m, open(dst + '/manifest.json', 'w'), indent='\t')
PY
expect_exit 0 "plan on the tagged, larger copy" "$VAULTWISE" plan "$T/big" \
	--out "$T/plbig"
check "levers.csv: redundancy by tag, reserved capacity by hand" \
	python3 - "$T/plbig/levers.csv" "$T/big" \
	"$VW_TOP/data/prices/prices.csv" <<'PY'
import csv, math, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
snap = sys.argv[2]
vaults = list(csv.DictReader(open(snap + '/vaults.csv', newline='')))
items = list(csv.DictReader(open(snap + '/items.csv', newline='')))
sheet = {(p['region'], p['meter']): float(p['price'])
         for p in csv.DictReader(open(sys.argv[3])) if p['currency'] == 'EUR'}
assert any(r['lever'] == 'redundancy' and r['vault_name'] ==
           'rsv-prod-uks-01' for r in rows), 'tagged env=dev'
# northeurope GRS with cross-region restore: RA-GRS, priced from
# westeurope's rows (the sheet's first EUR region)
ne = {v['vault_id'] for v in vaults if v['location'] == 'northeurope' and
      v['redundancy'] == 'GeoRedundant' and
      v['cross_region_restore'] == 'Enabled'}
gb = sum(float(i['standard_gb']) for i in items if i['vault_id'] in ne)
rate = sheet[('westeurope', 'standard_ragrs')]
res = [r for r in rows if r['lever'] == 'reserved-capacity' and
       'standard_ragrs in northeurope' in r['constraint']]
assert len(res) == 2, res
for r in res:
    years = 1 if ' for 1 year ' in r['constraint'] else 3
    best = 0
    for size, m in ((100 * 1024, 'reserved_100tb_%dy'),
                    (1024 * 1024, 'reserved_1pb_%dy')):
        share = sheet[('westeurope', m % years)]
        n = math.floor(gb / size)
        for k in (n, n + 1):
            if k:
                best = max(best, rate * (min(gb, k * size) - k * size * share))
    assert abs(best - float(r['saving_month'])) < 0.01, (best, r)
    assert 'Reservations' in r['change'] and 'northeurope' in r['change'], r
PY
# A sheet without the levers' meters (as `prices fetch` writes) still
# plans; the levers that need them say which meter is missing.
grep -v ',snapshot_\|,reserved_' "$VW_TOP/data/prices/prices.csv" \
	>"$T/nolever.csv"
expect_exit 0 "plan on the larger copy with a sheet lacking those meters" \
	"$VAULTWISE" plan "$T/big" --out "$T/plnone" --prices "$T/nolever.csv"
check "levers.csv: snapshots and reservations not priced, the meter named" \
	python3 - "$T/plnone/levers.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
for kind, meter in (('instant-restore', 'snapshot_'),
                    ('reserved-capacity', 'reserved_')):
    got = [r for r in rows if r['lever'] == kind]
    assert got, kind
    for r in got:
        assert r['saving_month'] == '' and r['basis'] == '', r
        assert r['constraint'].startswith('not priced: the price sheet has '
                                          'no ' + meter), r
PY
# levers.csv honours plan's scope: each scope's rows are the whole plan's
# rows of the vaults, policies and items in scope, with the same savings
# (reserved capacity, priced on the whole estate's GiB, aside).
check "levers.csv keeps to --vault, --workload, --tag, --subscription, --policy" \
	python3 - "$VAULTWISE" "$S" "$T/pl" "$T/lvs" <<'PY'
import csv, fnmatch, subprocess, sys
vw, snap, full, out = sys.argv[1:5]
rd = lambda f: list(csv.DictReader(open(f, newline='')))
vaults = {v['vault_id']: v for v in rd(snap + '/vaults.csv')}
pols = {p['policy_id']: p for p in rd(snap + '/policies.csv')}
items = {i['item_id']: i for i in rd(snap + '/items.csv')}
data = [v for v in vaults.values() if v['vault_name'] == 'rsv-data-eus2-01']
scopes = [('--vault', 'rsv-data-*'), ('--workload', 'SQL'),
          ('--tag', 'ENV=dr'), ('--subscription', data[0]['subscription_id']),
          ('--policy', 'vm-daily-*')]
def vault_ok(opt, val, v):
    tags = dict(t.split('=', 1) for t in v['tags'].split(';') if t)
    return (opt != '--vault' or fnmatch.fnmatch(v['vault_name'], val)) and \
        (opt != '--tag' or tags.get('env') == 'dr') and \
        (opt != '--subscription' or v['subscription_id'] == val)
def pol_ok(opt, val, p):
    return (opt != '--workload' or p['workload'] == val) and \
        (opt != '--policy' or fnmatch.fnmatch(p['policy_name'].lower(), val))
def in_scope(opt, val, r):
    if r['item_id']:
        it = items[r['item_id']]
        p = pols.get(it['policy_id'])
        return vault_ok(opt, val, vaults[it['vault_id']]) and \
            (opt != '--workload' or it['workload'] == val) and \
            (opt != '--policy' or (p and pol_ok(opt, val, p)))
    if r['policy_id']:
        return vault_ok(opt, val, vaults[r['vault_id']]) and \
            pol_ok(opt, val, pols[r['policy_id']])
    return vault_ok(opt, val, vaults[r['vault_id']]) and \
        opt not in ('--workload', '--policy')
key = lambda r: (r['lever'], r['vault_id'], r['policy_id'], r['item_id'],
                 r['saving_month'])
whole = [r for r in rd(full + '/levers.csv')
         if r['lever'] != 'reserved-capacity']
for n, (opt, val) in enumerate(scopes):
    d = '%s/%d' % (out, n)
    subprocess.run([vw, 'plan', '-q', snap, '--out', d, '--targets',
                    snap + '/../targets.example.csv', opt, val], check=True,
                   stdout=subprocess.DEVNULL)
    got = sorted(key(r) for r in rd(d + '/levers.csv')
                 if r['lever'] != 'reserved-capacity')
    want = sorted(key(r) for r in whole if in_scope(opt, val, r))
    assert want and got == want, (opt, val, got, want)
PY
# strategies.csv's "plan" is the plan as asked: --moves and --tiering
# decide when its points move, now and in every month to come.
same_strategy() { # DIR A B: strategies A and B equal month by month
	python3 - "$1/strategies.csv" "$2" "$3" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline='')))
by = lambda s: {r['month']: r for r in rows if r['strategy'] == s}
a, b = by(sys.argv[2]), by(sys.argv[3])
assert a and a.keys() == b.keys()
for m in a:
    for k in ('standard_gb', 'archive_gb', 'cost'):
        assert abs(float(a[m][k]) - float(b[m][k])) < 0.01, (m, k, a[m], b[m])
PY
}
"$VAULTWISE" plan -q "$S" --out "$T/si" --moves none --tiering keep \
	>/dev/null 2>&1
check "strategies: --moves none --tiering keep projects as do_nothing" \
	same_strategy "$T/si" plan do_nothing
"$VAULTWISE" plan -q "$S" --out "$T/si" --moves all-eligible \
	--tiering keep >/dev/null 2>&1
check "... --moves all-eligible as move_all_eligible" \
	same_strategy "$T/si" plan move_all_eligible
"$VAULTWISE" plan -q "$S" --out "$T/si" --vault 'rsv-legacy-*' \
	--moves none --tiering TierAfter:3m >/dev/null 2>&1
check "... --moves none --tiering TierAfter:3m as tier_after_3m" \
	same_strategy "$T/si" plan tier_after_3m
differs() { ! same_strategy "$@" 2>/dev/null; }
check "... and the rule's plan (plan.csv's moves) as none of them" \
	differs "$T/p1" plan do_nothing
finish
