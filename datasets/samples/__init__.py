"""Sample CRM exports (synthetic), one per preset of crmlab.io.presets; see datasets/README.md."""
