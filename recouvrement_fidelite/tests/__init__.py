from . import test_install
from . import test_engine_bridge
from . import test_dispute
from . import test_partner
from . import test_typology
from . import test_config
from . import test_concurrent_runs
from . import test_collection_run
