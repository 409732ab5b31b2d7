-- Each QPV / rural split the programme announced, beside what the commune-level approximation
-- gives for the same fabriques, under each rural definition (a comparison: the one place both
-- readings stand side by side): the first announced_total ids of the list (the id order is the
-- order of selection, an inference). in_list is false when the list stops before that total.
-- The types come from typed_laureates (queries/_macros.sql).
with splits as (
    select milestone_date, event, announced_total, announced_qpv, announced_rural,
           announced_qpv_pct, announced_rural_pct, source_url
    from milestones
    where coalesce(announced_qpv, announced_rural, announced_qpv_pct, announced_rural_pct) is not null
),

typed as (
    select i.fabrique_number, i.territory_type as type_insee, h.territory_type as type_outside_large_centres
    from typed_laureates('insee') i
    join typed_laureates('hors_grands_centres') h using (fabrique_number)
),

final as (
    select
        s.milestone_date,
        s.event,
        s.announced_total,
        s.announced_qpv,
        s.announced_rural,
        s.announced_qpv_pct,
        s.announced_rural_pct,
        s.source_url,
        s.announced_total <= (select max(fabrique_number) from laureates) as in_list,
        count(l.fabrique_number) as listed,
        count(*) filter (where l.type_insee = 'qpv') as approx_qpv,
        count(*) filter (where l.type_insee = 'rural') as approx_rural_insee,
        count(*) filter (where l.type_outside_large_centres = 'rural') as approx_outside_large_centres
    from splits s
    left join typed l on l.fabrique_number <= s.announced_total
    group by all
)

select * from final order by milestone_date
