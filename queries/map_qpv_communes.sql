-- Communes holding at least one QPV (2024) in the current région / département / EPCI, one point
-- per commune (true position or in the overseas insets), with their number of QPV.
with communes_with_qpv as (
    select * from communes
    where has_qpv
      and ($region is null or reg_code = $region)
      and ($departement is null or dep_code = $departement)
      and ($epci is null or epci_siren = $epci)
),

final as (
    select
        commune_code,
        commune_name,
        len(qpv_codes) as qpv,
        round(case when $insets then display_lon else lon end, 4) as lon,
        round(case when $insets then display_lat else lat end, 4) as lat
    from communes_with_qpv
)

select * from final where lon is not null and lat is not null order by commune_code
