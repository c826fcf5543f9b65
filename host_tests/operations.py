"""Every operation of the OpenAI spec -> the client method that calls it, with the order in which
the method takes the path's ids, and one valid call of each (for the contract test).
operationIds are those of ../shared/openapi/openai-2.0.0.yaml; RESPONSES_OPS those of the
Responses API in openai-2.3.0.yaml."""

CHAT = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}

# operationId: (method, path ids in the method's argument order, kwargs of a valid call)
OPS = {
    "createChatCompletion": ("chat.completions.create", (), CHAT),
    "createCompletion": ("completions.create", (), {"model": "gpt-3.5-turbo-instruct", "prompt": "Say hi"}),
    "createEmbedding": ("embeddings.create", (), {"model": "text-embedding-3-small", "input": "hi"}),
    "createModeration": ("moderations.create", (), {"input": "hello"}),
    "createSpeech": ("audio.speech.create", (), {"input": "Hello", "model": "tts-1", "voice": "alloy",
                                                 "sink": "@sink"}),
    "createTranscription": ("audio.transcriptions.create", (), {"file": "@audio", "model": "whisper-1"}),
    "createTranslation": ("audio.translations.create", (), {"file": "@audio", "model": "whisper-1"}),
    "createImage": ("images.generate", (), {"prompt": "a red dot", "model": "dall-e-2", "size": "256x256"}),
    "createImageEdit": ("images.edit", (), {"image": "@image", "prompt": "add a hat", "model": "dall-e-2"}),
    "createImageVariation": ("images.create_variation", (), {"image": "@image", "model": "dall-e-2"}),
    "listFiles": ("files.list", (), {"purpose": "fine-tune", "limit": 2}),
    "createFile": ("files.create", (), {"file": "@jsonl", "purpose": "fine-tune"}),
    "deleteFile": ("files.delete", ("file_id",), {}),
    "retrieveFile": ("files.retrieve", ("file_id",), {}),
    "downloadFile": ("files.content", ("file_id",), {"sink": "@sink"}),
    "listPaginatedFineTuningJobs": ("fine_tuning.jobs.list", (), {"limit": 2}),
    "createFineTuningJob": ("fine_tuning.jobs.create", (), {"model": "gpt-4o-mini-2024-07-18",
                                                            "training_file": "file-abc"}),
    "retrieveFineTuningJob": ("fine_tuning.jobs.retrieve", ("fine_tuning_job_id",), {}),
    "cancelFineTuningJob": ("fine_tuning.jobs.cancel", ("fine_tuning_job_id",), {}),
    "listFineTuningJobCheckpoints": ("fine_tuning.jobs.checkpoints.list", ("fine_tuning_job_id",), {"limit": 2}),
    "listFineTuningEvents": ("fine_tuning.jobs.list_events", ("fine_tuning_job_id",), {"limit": 2}),
    "listModels": ("models.list", (), {}),
    "retrieveModel": ("models.retrieve", ("model",), {}),
    "deleteModel": ("models.delete", ("model",), {}),
    "listBatches": ("batches.list", (), {"limit": 2}),
    "createBatch": ("batches.create", (), {"input_file_id": "file-abc", "endpoint": "/v1/chat/completions",
                                           "completion_window": "24h"}),
    "retrieveBatch": ("batches.retrieve", ("batch_id",), {}),
    "cancelBatch": ("batches.cancel", ("batch_id",), {}),
    "listAssistants": ("beta.assistants.list", (), {"limit": 2, "order": "desc"}),
    "createAssistant": ("beta.assistants.create", (), {"model": "gpt-4o-mini", "name": "helper"}),
    "deleteAssistant": ("beta.assistants.delete", ("assistant_id",), {}),
    "getAssistant": ("beta.assistants.retrieve", ("assistant_id",), {}),
    "modifyAssistant": ("beta.assistants.update", ("assistant_id",), {"name": "renamed"}),
    "createThread": ("beta.threads.create", (), {"messages": [{"role": "user", "content": "Hi"}]}),
    "createThreadAndRun": ("beta.threads.create_and_run", (), {"assistant_id": "asst_abc"}),
    "deleteThread": ("beta.threads.delete", ("thread_id",), {}),
    "getThread": ("beta.threads.retrieve", ("thread_id",), {}),
    "modifyThread": ("beta.threads.update", ("thread_id",), {"metadata": {"k": "v"}}),
    "listMessages": ("beta.threads.messages.list", ("thread_id",), {"limit": 2}),
    "createMessage": ("beta.threads.messages.create", ("thread_id",), {"role": "user", "content": "Hi"}),
    "deleteMessage": ("beta.threads.messages.delete", ("message_id", "thread_id"), {}),
    "getMessage": ("beta.threads.messages.retrieve", ("message_id", "thread_id"), {}),
    "modifyMessage": ("beta.threads.messages.update", ("message_id", "thread_id"), {"metadata": {"k": "v"}}),
    "listRuns": ("beta.threads.runs.list", ("thread_id",), {"limit": 2}),
    "createRun": ("beta.threads.runs.create", ("thread_id",), {"assistant_id": "asst_abc"}),
    "getRun": ("beta.threads.runs.retrieve", ("run_id", "thread_id"), {}),
    "modifyRun": ("beta.threads.runs.update", ("run_id", "thread_id"), {"metadata": {"k": "v"}}),
    "cancelRun": ("beta.threads.runs.cancel", ("run_id", "thread_id"), {}),
    "submitToolOuputsToRun": ("beta.threads.runs.submit_tool_outputs", ("run_id", "thread_id"),
                              {"tool_outputs": [{"tool_call_id": "call_1", "output": "42"}]}),
    "listRunSteps": ("beta.threads.runs.steps.list", ("run_id", "thread_id"), {"limit": 2}),
    "getRunStep": ("beta.threads.runs.steps.retrieve", ("step_id", "thread_id", "run_id"), {}),
    "listVectorStores": ("vector_stores.list", (), {"limit": 2}),
    "createVectorStore": ("vector_stores.create", (), {"name": "docs"}),
    "deleteVectorStore": ("vector_stores.delete", ("vector_store_id",), {}),
    "getVectorStore": ("vector_stores.retrieve", ("vector_store_id",), {}),
    "modifyVectorStore": ("vector_stores.update", ("vector_store_id",), {"name": "renamed"}),
    "createVectorStoreFileBatch": ("vector_stores.file_batches.create", ("vector_store_id",),
                                   {"file_ids": ["file-abc"]}),
    "getVectorStoreFileBatch": ("vector_stores.file_batches.retrieve", ("batch_id", "vector_store_id"), {}),
    "cancelVectorStoreFileBatch": ("vector_stores.file_batches.cancel", ("batch_id", "vector_store_id"), {}),
    "listFilesInVectorStoreBatch": ("vector_stores.file_batches.list_files", ("batch_id", "vector_store_id"),
                                    {"limit": 2}),
    "listVectorStoreFiles": ("vector_stores.files.list", ("vector_store_id",), {"limit": 2}),
    "createVectorStoreFile": ("vector_stores.files.create", ("vector_store_id",), {"file_id": "file-abc"}),
    "deleteVectorStoreFile": ("vector_stores.files.delete", ("file_id", "vector_store_id"), {}),
    "getVectorStoreFile": ("vector_stores.files.retrieve", ("file_id", "vector_store_id"), {}),
}

RESPONSES_OPS = {
    "createResponse": ("responses.create", (), {"model": "gpt-4o-mini", "input": "Say hi"}),
    "getResponse": ("responses.retrieve", ("response_id",), {}),
    "deleteResponse": ("responses.delete", ("response_id",), {}),
    "cancelResponse": ("responses.cancel", ("response_id",), {}),
    "listInputItems": ("responses.input_items.list", ("response_id",), {"limit": 2}),
    "Getinputtokencounts": ("responses.input_tokens.count", (), {"model": "gpt-4o-mini", "input": "Say hi"}),
}

# methods that are not one operation each (docs/operations.md lists them too)
EXTRA = {
    "responses.stream": "createResponse with stream=True: the events, get_final_response()",
    "chat.completions.create(stream=True)": "the chunks, get_final_completion()",
    "beta.threads.runs.poll": "getRun until a terminal status, waiting openai-poll-after-ms",
    "beta.threads.runs.create_and_poll": "createRun, then poll",
    "beta.threads.runs.submit_tool_outputs_and_poll": "submitToolOuputsToRun, then poll",
    "beta.threads.create_and_run_poll": "createThreadAndRun, then poll",
    "vector_stores.files.upload": "createFile (streamed) + createVectorStoreFile",
    "vector_stores.files.poll": "getVectorStoreFile until it is no longer in_progress",
    "vector_stores.files.create_and_poll": "createVectorStoreFile, then poll",
    "vector_stores.files.upload_and_poll": "upload, then poll",
    "vector_stores.file_batches.poll": "getVectorStoreFileBatch until it is no longer in_progress",
    "vector_stores.file_batches.create_and_poll": "createVectorStoreFileBatch, then poll",
    "vector_stores.file_batches.upload_and_poll": "createFile for each file, then create_and_poll",
    "chat.completions.run_tools": "createChatCompletion until no tool is called, running each tool",
}


def signature(ids):
    """How a method takes the path's ids, as openai-python's: the first positionally, the others
    by name."""
    return ", ".join(ids[:1] + tuple("%s=" % i for i in ids[1:]))


PAGE_INTRO = """# Every operation

<!-- generated by `python host_tests/operations.py` from its table; test_operations.py checks it -->

All 64 operations of the OpenAI 2.0.0 spec have a method, plus the Responses API (from the
2.3.0 spec); a test checks this table against both specs. As in openai-python, the first id in
the path comes first and the others by name, and the body fields are keyword arguments. Methods
that list things return an iterator over every item, fetching the next page (`after`,
`has_more`) only when the current one is used up. The last rows are the helpers that are more
than one call each.

"""


def operations_page():
    return PAGE_INTRO + operation_table() + "\n"


def operation_table():
    rows = ["| operationId | method |", "|---|---|"]
    for op, (method, ids, _) in list(OPS.items()) + list(RESPONSES_OPS.items()):
        rows.append("| %s | `client.%s(%s)` |" % (op, method, signature(ids)))
    for method, what in EXTRA.items():
        rows.append("| (%s) | `client.%s` |" % (what, method))
    return "\n".join(rows)


if __name__ == "__main__":
    import pathlib

    page = pathlib.Path(__file__).resolve().parent.parent / "docs" / "operations.md"
    page.write_text(operations_page())
    print("wrote", page)
