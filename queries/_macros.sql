-- Shared definitions, run once when the extracts are loaded (not a query: no parameters).
-- Every page counts fabriques through filtered_laureates, so the same filter gives the
-- same totals everywhere.

-- A version archived before the EPCI level (data/versions/) has no EPCI columns: they are added
-- empty, so that its figures still show (with no EPCI) instead of failing.
alter table laureates add column if not exists epci_siren varchar;
alter table laureates add column if not exists epci_name varchar;
alter table laureates add column if not exists epci_type varchar;

-- THE rule of the territory type under a rural definition ('insee': the 3 least dense levels of
-- the INSEE grid; 'hors_grands_centres': every level but "Grands centres urbains", the call's
-- wording). Every query that types or counts fabriques reads it. QPV comes first: a commune holding
-- a QPV and rural by density counts once, as QPV, as in the programme's 102 + 68 = 170
-- split of October 2020. Both flags are commune-level proxies (see PROVENANCE.md).
create or replace macro typed_laureates(rural_definition) as table
with flagged as (
    select
        -- The type is decided here only; a list imported before it left the extracts
        -- still stores an INSEE-only territory_type, not read.
        columns(lambda c: c <> 'territory_type'),
        case when rural_definition = 'hors_grands_centres' then is_outside_large_centres
             else is_rural_insee end as is_rural_selected
    from laureates
)
select
    *,
    case
        when has_qpv then 'qpv'
        when is_rural_selected is null then 'indetermine'
        when is_rural_selected then 'rural'
        else 'urbain'
    end as territory_type
from flagged;

-- The laureates of the current filter; a null argument means "all". A fabrique's EPCI is its
-- commune's (epci_siren, null for Saint-Martin and the four island communes outside any EPCI).
create or replace macro filtered_laureates(region, departement, epci, territoire, rural_definition) as table
select *
from typed_laureates(rural_definition)
where (region is null or reg_code = region)
  and (departement is null or dep_code = departement)
  and (epci is null or epci_siren = epci)
  and (territoire is null or territory_type = territoire);


-- The fabriques of the current filter counted per `area` (a column of typed_laureates: reg_code,
-- dep_code or epci_siren), in all and by territory type: the one place the four types are counted.
create or replace macro counts_by_type(area, region, departement, epci, territoire, rural_definition) as table
select
    area as area_code,
    count(*) as fabriques,
    count(*) filter (where territory_type = 'qpv') as qpv,
    count(*) filter (where territory_type = 'rural') as rural,
    count(*) filter (where territory_type = 'urbain') as urbain,
    count(*) filter (where territory_type = 'indetermine') as indetermine
from filtered_laureates(region, departement, epci, territoire, rural_definition)
group by all;


-- THE rule of the target counts: per national target and `area` (a column of typed_laureates such as
-- reg_code, or null for one row), the fabriques of the filter in the target's scope — all of them, or
-- those whose territory type (the rule above, under the chosen definition) is the target's —, in the
-- list and labelled by the target's deadline (labelled_by, inferred from the id order). A rural target
-- is read under the definition chosen, like every other rural figure of the page; its own wording is
-- in targets.rural_definition. Targets without any fabrique have no row here.
create or replace macro target_counts_by(area, region, departement, epci, territoire, rural_definition) as table
select
    t.target_id,
    area as area_code,
    count(*) as achieved,
    count(*) filter (where coalesce(f.labelled_by <= t.deadline, false)) as achieved_at_deadline
from targets t
join filtered_laureates(region, departement, epci, territoire, rural_definition) f
    on t.scope = 'total' or f.territory_type = t.scope
group by all;
