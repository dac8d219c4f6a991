"""The request contract every caller shares: request/response models, text options,
problems and answers (api, cli, jobs and scale alike)."""
