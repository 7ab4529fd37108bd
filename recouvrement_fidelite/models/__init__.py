from . import collection_engine
from . import collection_typology
from . import collection_scenario
from . import collection_level
from . import collection_rule_set
from . import collection_rule
from . import res_partner
from . import account_move
