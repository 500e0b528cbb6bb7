-- decision.sql: the per-point archive decision of `vaultwise plan` without
-- the VM set rule, written as a FinOps engineer would in SQL, for the
-- benchmark's peers (DuckDB through peers/duckdb.mjs). ${DIR}, ${ASOF} and
-- ${OUT} are replaced before it runs. Eligible: VM monthly and yearly
-- points 90 days old, SQL/HANA fulls 45 days old, in Standard, with 180
-- days of retention left (a point without expiry counts as none left);
-- moving saves (what it frees in Standard - its
-- full size in Archive) per month over the months left; it moves when
-- that is positive. Prices: the bundled sheet's westeurope LRS rows.
COPY (
  WITH p AS (
    SELECT r.rp_id, r.rp_kind, r.tier, r.unique_gb, r.full_gb,
           i.workload,
           date_diff('second', r.rp_time, TIMESTAMP '${ASOF}') / 86400.0
             AS age_d,
           coalesce(date_diff('second', TIMESTAMP '${ASOF}', r.expiry_time)
                    / 86400.0, 0) AS left_d
    FROM read_csv('${DIR}/recovery_points.csv', header = true,
                  timestampformat = '%Y-%m-%dT%H:%M:%SZ') r
    JOIN read_csv('${DIR}/items.csv', header = true) i USING (item_id)
  )
  SELECT rp_id,
         CASE WHEN NOT eligible THEN 'ineligible'
              WHEN saving > 0 THEN 'move_now' ELSE 'keep' END AS action,
         round(CASE WHEN eligible THEN saving ELSE 0 END, 2) AS saving
  FROM (
    SELECT rp_id,
           tier IN ('Standard', 'SnapshotAndStandard') AND left_d >= 180 AND
           ((workload = 'AzureVM' AND rp_kind IN ('monthly', 'yearly')
             AND age_d >= 90) OR
            (workload IN ('SQL', 'HANA') AND rp_kind = 'full'
             AND age_d >= 45)) AS eligible,
           (unique_gb * 0.019658 - full_gb * 0.002106) * left_d / 30.436875
             AS saving
    FROM p
  )
) TO '${OUT}' (HEADER, DELIMITER ',');
