-- One row per EPCI with at least one commune in the chosen département, and one for the chosen
-- EPCI: its fabriques of the filter (the whole EPCI, so that the rate compares the fabriques
-- with the population they serve), by territory type, and those in the chosen département;
-- its population (municipal populations of its communes summed, vintage in the manifest);
-- fabriques per 100,000 inhabitants; the départements it spans.
with counts as (
    select area_code as epci_siren, * exclude (area_code)
    from counts_by_type(epci_siren, null, null, null, $territoire, $rural_definition)
    where area_code is not null
),

in_departement as (
    select epci_siren, count(*) as fabriques_in_departement
    from filtered_laureates(null, null, null, $territoire, $rural_definition)
    where epci_siren is not null and dep_code = $departement
    group by epci_siren
),

listed as (
    select * from epci
    where list_contains(dep_codes, $departement) or epci_siren = $epci
),

final as (
    select
        l.epci_siren,
        l.epci_name,
        l.epci_type,
        l.dep_codes,
        l.dep_names,
        len(l.dep_codes) > 1 as spans_departements,
        l.communes,
        l.population,
        l.communes_without_population,
        coalesce(c.fabriques, 0) as fabriques,
        coalesce(d.fabriques_in_departement, 0) as fabriques_in_departement,
        coalesce(c.qpv, 0) as qpv,
        coalesce(c.rural, 0) as rural,
        coalesce(c.urbain, 0) as urbain,
        coalesce(c.indetermine, 0) as indetermine,
        -- Mayotte's EPCI have no population in our sources: null, never 0.
        100000.0 * coalesce(c.fabriques, 0) / nullif(l.population, 0) as per_100k
    from listed l
    left join counts c using (epci_siren)
    left join in_departement d using (epci_siren)
)

select * from final order by fabriques desc, epci_name
