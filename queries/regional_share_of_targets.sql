-- One row per région and national target scope (all fabriques, QPV, rural; latest deadline of
-- each): the région's fabriques in that scope, the national count and the national target.
-- There are no regional targets: a région's progress is its share of the national count.
with counted as (
    select reg_code, territory_type
    from filtered_laureates(null, null, null, null, $rural_definition)
),

latest_targets as (
    select target_id, label, target_value, deadline, scope, source_url
    from targets
    qualify row_number() over (partition by scope order by deadline desc) = 1
),

national as (
    select
        t.scope,
        count(c.territory_type) as national_achieved
    from latest_targets t
    left join counted c on t.scope = 'total' or c.territory_type = t.scope
    group by t.scope
),

per_region as (
    select
        r.reg_code,
        r.reg_name,
        t.scope,
        count(c.territory_type) as achieved
    from regions r
    cross join latest_targets t
    left join counted c
        on c.reg_code = r.reg_code and (t.scope = 'total' or c.territory_type = t.scope)
    group by r.reg_code, r.reg_name, t.scope
),

final as (
    select
        p.reg_code,
        p.reg_name,
        p.scope,
        t.label,
        t.target_value,
        t.deadline,
        t.source_url,
        p.achieved,
        n.national_achieved,
        100.0 * p.achieved / nullif(n.national_achieved, 0) as share_of_national_pct,
        100.0 * p.achieved / nullif(t.target_value, 0) as share_of_target_pct
    from per_region p
    join latest_targets t using (scope)
    join national n using (scope)
)

select * from final
order by lower(strip_accents(reg_name)), case scope when 'total' then 0 when 'qpv' then 1 else 2 end
