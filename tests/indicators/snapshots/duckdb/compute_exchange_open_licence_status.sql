WITH exchange_open_licence_status AS (
  -- 专利开放许可: declarations published on or before 2023-12-31 (refused ones never were), in force on
  -- 2023-12-31 unless withdrawn or revoked by then; attributed to the declaring organization's region.
  SELECT
    declaration_id,
    application_number,
    title,
    patentee,
    party_key,
    region_code AS geo,
    published_on,
    CASE WHEN ended_on <= DATE '2023-12-31' THEN ended_on END AS ended_on,
    published_on >= DATE '2023-01-01' AS published_in_period,
    coalesce(ended_on > DATE '2023-12-31', TRUE) AS in_force,
    synthetic
  FROM exchange_open_licences
  WHERE published_on IS NOT NULL AND published_on <= DATE '2023-12-31'
)
SELECT
  geo,
  count(*) FILTER (WHERE published_in_period) AS exchange_open_licences_published,
  count(*) FILTER (WHERE in_force) AS exchange_open_licences_in_force
FROM exchange_open_licence_status
GROUP BY geo
ORDER BY geo
