-- One row per national target: its value, deadline, definition and source; the fabriques of its
-- scope labelled by its deadline (labelled_by, inferred from the id order) and in the current
-- list, for the current filter and nationally. A rural target is counted under its own definition
-- (the call's "hors grands centres urbains"); the insee_* columns give the INSEE reading beside it
-- (null for the other targets).
with selected as (
    select has_qpv, is_rural_insee, is_outside_large_centres, labelled_by
    from filtered_laureates($region, $departement, $epci, $territoire, $rural_definition)
),

national as (
    select has_qpv, is_rural_insee, is_outside_large_centres, labelled_by
    from laureates
),

fabriques as (
    select *, true as in_filter from selected
    union all
    select *, false as in_filter from national
),

matched as (
    select
        t.target_id,
        f.in_filter,
        coalesce(f.labelled_by <= t.deadline, false) as by_deadline,
        case t.scope
            when 'total' then true
            when 'qpv' then coalesce(f.has_qpv, false)
            else not coalesce(f.has_qpv, false) and coalesce(
                case t.rural_definition when 'hors_grands_centres' then f.is_outside_large_centres
                                        else f.is_rural_insee end, false)
        end as in_scope,
        not coalesce(f.has_qpv, false) and coalesce(f.is_rural_insee, false) as insee_rural
    from targets t
    cross join fabriques f
),

counts as (
    select
        target_id,
        count(*) filter (where in_filter and in_scope) as achieved,
        count(*) filter (where in_filter and in_scope and by_deadline) as achieved_at_deadline,
        count(*) filter (where not in_filter and in_scope) as national_achieved,
        count(*) filter (where not in_filter and in_scope and by_deadline) as national_at_deadline,
        count(*) filter (where in_filter and insee_rural) as insee_achieved,
        count(*) filter (where in_filter and insee_rural and by_deadline) as insee_at_deadline,
        count(*) filter (where not in_filter and insee_rural) as insee_national_achieved,
        count(*) filter (where not in_filter and insee_rural and by_deadline) as insee_national_at_deadline
    from matched
    group by target_id
),

final as (
    select
        t.target_id,
        t.label,
        t.target_value,
        t.deadline,
        t.scope,
        t.rural_definition,
        t.detail,
        t.source_url,
        t.source_publisher,
        t.source_nature,
        coalesce(c.achieved, 0) as achieved,
        coalesce(c.achieved_at_deadline, 0) as achieved_at_deadline,
        coalesce(c.national_achieved, 0) as national_achieved,
        coalesce(c.national_at_deadline, 0) as national_at_deadline,
        case when t.scope = 'rural' and t.rural_definition <> 'insee' then coalesce(c.insee_achieved, 0) end
            as insee_achieved,
        case when t.scope = 'rural' and t.rural_definition <> 'insee' then coalesce(c.insee_at_deadline, 0) end
            as insee_at_deadline,
        case when t.scope = 'rural' and t.rural_definition <> 'insee' then coalesce(c.insee_national_achieved, 0) end
            as insee_national_achieved,
        case when t.scope = 'rural' and t.rural_definition <> 'insee' then coalesce(c.insee_national_at_deadline, 0) end
            as insee_national_at_deadline
    from targets t
    left join counts c using (target_id)
)

select * from final
order by deadline, case scope when 'total' then 0 when 'qpv' then 1 else 2 end
