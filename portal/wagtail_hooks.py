from wagtail.contrib.settings.registry import registry as settings_registry

from portal.models import PortalSettings

settings_registry.register(PortalSettings, icon="site")
