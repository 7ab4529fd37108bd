from . import portal
from . import portal_commitments
from . import portal_feedback
