-- Tiers-lieux of the 2018–2019 census (mainland only, so no inset) in the current région /
-- département, one point each, rounded to 4 decimals. The census has no territory type.
with census as (
    select * from tiers_lieux_2019
    where ($region is null or reg_code = $region)
      and ($departement is null or dep_code = $departement)
),

final as (
    select
        tiers_lieu_id,
        name,
        commune_name,
        kind,
        round(lon, 4) as lon,
        round(lat, 4) as lat
    from census
    where lon is not null and lat is not null
)

select * from final order by tiers_lieu_id
