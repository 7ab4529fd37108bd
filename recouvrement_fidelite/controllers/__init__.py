from . import portal
from . import portal_feedback
