from . import collection_preview
from . import collection_preview_line
from . import collection_dispute_wizard
from . import collection_run_wizard
from . import collection_run_wizard_line
from . import collection_case_notice
from . import collection_case_write_off
from . import collection_case_agreement
