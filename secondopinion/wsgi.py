import os

from django.core.wsgi import get_wsgi_application

from secondopinion.core.privacy import use_private_umask

use_private_umask()

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "secondopinion.settings")
application = get_wsgi_application()
