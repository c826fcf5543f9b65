# The names `tinyopenai.<name>` loads when first asked for, and the module each lives in: the
# one table module __getattr__ reads (loaded for the lookup, then dropped: its strings would
# otherwise stay in RAM with the client's code). Any other name is a submodule.

HOMES = {
    "AsyncOpenAI": "_aio",
    "APIStatusError": "_fail",
    "APIResponseValidationError": "_fail",
    "APITimeoutError": "_fail",
    "BadRequestError": "_fail",
    "AuthenticationError": "_fail",
    "PermissionDeniedError": "_fail",
    "NotFoundError": "_fail",
    "ConflictError": "_fail",
    "UnprocessableEntityError": "_fail",
    "RateLimitError": "_fail",
    "InternalServerError": "_fail",
}
