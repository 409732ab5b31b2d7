-- One row: fabriques of the current filter by territory type, and the same counts nationally
-- (under a regional filter, national targets are read as shares of the national total).
with selected as (
    select * from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

national as (
    select * from typed_laureates($rural_definition)
),

final as (
    select
        (select count(*) from selected) as fabriques,
        (select count(*) from selected where territory_type = 'qpv') as qpv,
        (select count(*) from selected where territory_type = 'rural') as rural,
        (select count(*) from selected where territory_type = 'urbain') as urbain,
        (select count(*) from selected where territory_type = 'indetermine') as indetermine,
        (select count(distinct commune_code) from selected) as communes,
        -- Départements only: a collectivité (Saint-Martin, no région) is named, not counted with them.
        (select count(distinct dep_code) from selected where reg_code is not null) as departements,
        (select coalesce(string_agg(distinct dep_name, ';' order by dep_name), '')
         from selected where reg_code is null) as collectivites,
        (select count(*) from national) as national_fabriques,
        (select count(*) from national where territory_type = 'qpv') as national_qpv,
        (select count(*) from national where territory_type = 'rural') as national_rural
)

select * from final
