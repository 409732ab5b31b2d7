-- One row: fabriques of the current filter by territory type, and the same counts nationally
-- (under a regional filter, national targets are read as shares of the national total). The types
-- are counted by counts_by_type (queries/_macros.sql), under the chosen rural definition.
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

in_filter as (
    select * from counts_by_type(null, $region, $departement, $epci, $territoire, $rural_definition)
),

national as (
    select * from counts_by_type(null, null, null, null, null, $rural_definition)
),

final as (
    select
        coalesce((select fabriques from in_filter), 0) as fabriques,
        coalesce((select qpv from in_filter), 0) as qpv,
        coalesce((select rural from in_filter), 0) as rural,
        coalesce((select urbain from in_filter), 0) as urbain,
        coalesce((select indetermine from in_filter), 0) as indetermine,
        (select count(distinct commune_code) from selected) as communes,
        -- Départements only: a collectivité (Saint-Martin, no région) is named, not counted with them.
        (select count(distinct dep_code) from selected where reg_code is not null) as departements,
        (select coalesce(string_agg(distinct dep_name, ';' order by dep_name), '')
         from selected where reg_code is null) as collectivites,
        coalesce((select fabriques from national), 0) as national_fabriques,
        coalesce((select qpv from national), 0) as national_qpv,
        coalesce((select rural from national), 0) as national_rural,
        coalesce((select urbain from national), 0) as national_urbain,
        coalesce((select indetermine from national), 0) as national_indetermine
)

select * from final
