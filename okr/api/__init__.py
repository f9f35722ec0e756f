"""The scripting API: personal access tokens, /api/v1 endpoints, the OpenAPI document, spreadsheets, webhooks."""
