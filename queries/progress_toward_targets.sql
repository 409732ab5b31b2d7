-- One row per national target: its value, deadline, wording and source, and the fabriques of its
-- scope for the current filter and nationally, in the list and labelled by its deadline (inferred
-- from the id order). Counted by target_counts_by (queries/_macros.sql): a rural target is read
-- under the chosen rural definition (rural_definition); target_rural_definition is the one the
-- target was set under (the call's "hors grands centres urbains"), to say so when they differ.
with in_filter as (
    select target_id, achieved, achieved_at_deadline
    from target_counts_by(null, $region, $departement, $epci, $territoire, $rural_definition)
),

national as (
    select target_id, achieved as national_achieved, achieved_at_deadline as national_at_deadline
    from target_counts_by(null, null, null, null, null, $rural_definition)
),

final as (
    select
        t.target_id,
        t.label,
        t.target_value,
        t.deadline,
        t.scope,
        case when t.scope = 'rural' then $rural_definition end as rural_definition,
        t.rural_definition as target_rural_definition,
        t.detail,
        t.source_url,
        t.source_publisher,
        t.source_nature,
        coalesce(f.achieved, 0) as achieved,
        coalesce(f.achieved_at_deadline, 0) as achieved_at_deadline,
        coalesce(n.national_achieved, 0) as national_achieved,
        coalesce(n.national_at_deadline, 0) as national_at_deadline
    from targets t
    left join in_filter f using (target_id)
    left join national n using (target_id)
)

select * from final
order by deadline, case scope when 'total' then 0 when 'qpv' then 1 else 2 end
