-- One row per région and national target scope (all fabriques, QPV, rural; latest deadline of
-- each): the région's fabriques in that scope, now and labelled by the deadline, the national
-- counts and the national target. There are no regional targets: a région's progress is its
-- share of the national count. Each target is counted under its own rural definition (the
-- call's "hors grands centres urbains" for the rural target), whatever the sidebar's choice, and
-- judged on the fabriques labelled by its deadline (labelled_by, inferred from the id order).
with typed as (
    select 'insee' as rural_definition, reg_code, territory_type, labelled_by
    from typed_laureates('insee')
    union all
    select 'hors_grands_centres' as rural_definition, reg_code, territory_type, labelled_by
    from typed_laureates('hors_grands_centres')
),

latest_targets as (
    select target_id, label, target_value, deadline, scope, source_url,
           coalesce(rural_definition, 'insee') as rural_definition
    from targets
    qualify row_number() over (partition by scope order by deadline desc) = 1
),

counted as (
    select t.scope, f.reg_code, coalesce(f.labelled_by <= t.deadline, false) as by_deadline
    from latest_targets t
    join typed f
        on f.rural_definition = t.rural_definition and (t.scope = 'total' or f.territory_type = t.scope)
),

national as (
    select
        t.scope,
        count(c.scope) as national_achieved,
        count(c.scope) filter (where c.by_deadline) as national_at_deadline
    from latest_targets t
    left join counted c using (scope)
    group by t.scope
),

per_region as (
    select
        r.reg_code,
        r.reg_name,
        t.scope,
        count(c.scope) as achieved,
        count(c.scope) filter (where c.by_deadline) as achieved_at_deadline
    from regions r
    cross join latest_targets t
    left join counted c on c.reg_code = r.reg_code and c.scope = t.scope
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
        t.rural_definition,
        t.source_url,
        p.achieved,
        p.achieved_at_deadline,
        n.national_achieved,
        n.national_at_deadline,
        100.0 * p.achieved / nullif(n.national_achieved, 0) as share_of_national_pct,
        100.0 * p.achieved_at_deadline / nullif(t.target_value, 0) as share_of_target_pct
    from per_region p
    join latest_targets t using (scope)
    join national n using (scope)
)

select * from final
order by lower(strip_accents(reg_name)), case scope when 'total' then 0 when 'qpv' then 1 else 2 end
