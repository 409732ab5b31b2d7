-- EPCI offered by the filter bar: SIREN, name, type, and every département and région they
-- span (a few cross a département or région line), ordered by name.
select epci_siren, epci_name, epci_type, dep_codes, reg_codes
from epci
order by epci_name, epci_siren
