from . import collection_preview
from . import collection_preview_line
