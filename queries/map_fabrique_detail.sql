-- One fabrique by id (none when the id is unknown), with its territory type under the chosen
-- rural definition, its inferred wave, its source and whether its point is a fallback.
with laureate as (
    select * from typed_laureates($rural_definition) where fabrique_id = $fabrique_id
),

final as (
    select
        fabrique_id,
        name,
        commune_code,
        commune_name,
        dep_code,
        dep_name,
        reg_code,
        reg_name,
        epci_siren,
        epci_name,
        epci_type,
        territory_type,
        wave_label,
        wave_is_inferred,
        source,
        point_is_fallback,
        lon,
        lat
    from laureate
)

select * from final
