-- Tiers-lieux of the 2018–2019 census in the current région / département, one point each,
-- rounded to 4 decimals; overseas ones (six) in their inset when $insets. No territory type.
with census as (
    select * from tiers_lieux_2019
    where ($region is null or reg_code = $region)
      and ($departement is null or dep_code = $departement)
      -- An EPCI through the census's commune code (COG 2025 communes): a row whose commune
      -- code is unknown (0) or has since merged is not counted in any EPCI.
      and ($epci is null or commune_code in (select commune_code from communes where epci_siren = $epci))
),

final as (
    select
        tiers_lieu_id,
        name,
        commune_name,
        kind,
        round(case when $insets then display_lon else lon end, 4) as lon,
        round(case when $insets then display_lat else lat end, 4) as lat
    from census
    where lon is not null and lat is not null
)

select * from final order by tiers_lieu_id
