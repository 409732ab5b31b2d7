-- One row per national target: its value, deadline and source, the count of the current
-- filter in its scope and the national count in its scope.
with selected as (
    select territory_type
    from filtered_laureates($region, $departement, $territoire, $rural_definition)
),

national as (
    select territory_type from typed_laureates($rural_definition)
),

final as (
    select
        t.target_id,
        t.label,
        t.target_value,
        t.deadline,
        t.scope,
        t.detail,
        t.source_url,
        (select count(*) from selected s where t.scope = 'total' or s.territory_type = t.scope) as achieved,
        (select count(*) from national n where t.scope = 'total' or n.territory_type = t.scope) as national_achieved
    from targets t
)

select * from final
order by deadline, case scope when 'total' then 0 when 'qpv' then 1 else 2 end
