-- Bounding box to frame the map on: the chosen département, else the chosen région, else all
-- départements (true positions, or overseas France in its insets).
with in_scope as (
    select
        case when $insets then display_min_lon else min_lon end as min_lon,
        case when $insets then display_min_lat else min_lat end as min_lat,
        case when $insets then display_max_lon else max_lon end as max_lon,
        case when $insets then display_max_lat else max_lat end as max_lat
    from departements
    where ($region is null or reg_code = $region)
      and ($departement is null or dep_code = $departement)
),

final as (
    select min(min_lon) as min_lon, min(min_lat) as min_lat,
           max(max_lon) as max_lon, max(max_lat) as max_lat
    from in_scope
)

select * from final
