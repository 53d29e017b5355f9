from choreo.api.app import tenant_router

router = tenant_router()
