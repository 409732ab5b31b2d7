-- Bounding box to frame the map on: the communes of the chosen EPCI, else the chosen
-- département, else the chosen région, else all départements (true positions, or overseas
-- France in its insets). An EPCI is framed by its communes' points: we have no EPCI outline.
with departements_in_scope as (
    select
        case when $insets then display_min_lon else min_lon end as min_lon,
        case when $insets then display_min_lat else min_lat end as min_lat,
        case when $insets then display_max_lon else max_lon end as max_lon,
        case when $insets then display_max_lat else max_lat end as max_lat
    from departements
    where $epci is null
      and ($region is null or reg_code = $region)
      and ($departement is null or dep_code = $departement)
),

communes_in_scope as (
    select
        case when $insets then display_lon else lon end as lon,
        case when $insets then display_lat else lat end as lat
    from communes
    where $epci is not null and epci_siren = $epci
      and ($departement is null or dep_code = $departement)
),

-- An EPCI is a few kilometres wide: framed on its points alone, the map (no basemap) would show
-- a dot in a blank frame with a stray stretch of coast. Its frame is widened to at least
-- 1.2° × 0.7° around its centre, so that the coast and département outlines around it say where it is.
epci_box as (
    select min(lon) as min_lon, min(lat) as min_lat, max(lon) as max_lon, max(lat) as max_lat
    from communes_in_scope
    where lon is not null
),

in_scope as (
    select * from departements_in_scope
    union all
    select
        least(min_lon, (min_lon + max_lon) / 2 - 0.6),
        least(min_lat, (min_lat + max_lat) / 2 - 0.35),
        greatest(max_lon, (min_lon + max_lon) / 2 + 0.6),
        greatest(max_lat, (min_lat + max_lat) / 2 + 0.35)
    from epci_box
    where min_lon is not null
),

final as (
    select min(min_lon) as min_lon, min(min_lat) as min_lat,
           max(max_lon) as max_lon, max(max_lat) as max_lat
    from in_scope
)

select * from final
