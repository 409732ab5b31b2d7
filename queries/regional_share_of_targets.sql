-- One row per région and national target scope (all fabriques, QPV, rural; latest deadline of
-- each): the région's fabriques in that scope, now and labelled by the deadline, the national
-- counts and the national target. There are no regional targets: a région's progress is its
-- share of the national count. Counted by target_counts_by (queries/_macros.sql), the rural scope
-- under the chosen rural definition, as every other rural figure of the page.
with latest_targets as (
    select target_id, label, target_value, deadline, scope, source_url,
           rural_definition as target_rural_definition
    from targets
    qualify row_number() over (partition by scope order by deadline desc) = 1
),

by_region as (
    select target_id, area_code as reg_code, achieved, achieved_at_deadline
    from target_counts_by(reg_code, null, null, null, null, $rural_definition)
),

national as (
    select target_id, achieved as national_achieved, achieved_at_deadline as national_at_deadline
    from target_counts_by(null, null, null, null, null, $rural_definition)
),

final as (
    select
        r.reg_code,
        r.reg_name,
        t.scope,
        t.label,
        t.target_value,
        t.deadline,
        case when t.scope = 'rural' then $rural_definition end as rural_definition,
        t.target_rural_definition,
        t.source_url,
        coalesce(b.achieved, 0) as achieved,
        coalesce(b.achieved_at_deadline, 0) as achieved_at_deadline,
        coalesce(n.national_achieved, 0) as national_achieved,
        coalesce(n.national_at_deadline, 0) as national_at_deadline,
        100.0 * coalesce(b.achieved, 0) / nullif(n.national_achieved, 0) as share_of_national_pct,
        100.0 * coalesce(b.achieved_at_deadline, 0) / nullif(t.target_value, 0) as share_of_target_pct
    from regions r
    cross join latest_targets t
    left join by_region b on b.reg_code = r.reg_code and b.target_id = t.target_id
    left join national n on n.target_id = t.target_id
)

select * from final
order by lower(strip_accents(reg_name)), case scope when 'total' then 0 when 'qpv' then 1 else 2 end
