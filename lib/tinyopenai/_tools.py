# The tool-calling loop of chat.completions.run_tools: ask, run the functions the model calls,
# send their outputs back, until the model answers without calling one. Loaded on first use.
#
# What it costs: the conversation grows by one assistant message and one tool message per call
# (the caller's list, so it can go on from there); nothing else is kept between rounds.
import json

from ._errors import OpenAIError


def _spec(name, tool):
    # a function's declaration for the request: tool is fn, (fn, parameters) or
    # (fn, parameters, description)
    fn = tool[0] if isinstance(tool, tuple) else tool
    if not callable(fn):
        raise TypeError("tools[%r] must be a callable or (callable, parameters[, description])" % name)
    decl = {"name": name, "parameters": tool[1] if isinstance(tool, tuple) and len(tool) > 1 and tool[1]
            else {"type": "object", "properties": {}}}
    if isinstance(tool, tuple) and len(tool) > 2:
        decl["description"] = tool[2]
    return {"type": "function", "function": decl}


def _output(tools, call):
    # what goes back as the tool's message: its result (a str as it is, else as JSON), or the
    # error it raised, so the model can correct itself instead of the device failing
    fn = call.get("function") or {}
    name = fn.get("name")
    tool = tools.get(name)
    if tool is None:
        return "error: there is no tool named %r" % name
    args = fn.get("arguments") or "{}"
    if not isinstance(args, dict):  # (a JSON text, as OpenAI sends them; some LAN servers send the object)
        try:
            args = json.loads(args)
        except (TypeError, ValueError):
            return "error: the arguments are not valid JSON"
    if not isinstance(args, dict):
        return "error: the arguments must be a JSON object"
    try:
        result = (tool[0] if isinstance(tool, tuple) else tool)(**args)
    except Exception as e:  # (anything a tool raises is the model's business: it gets the text)
        return "error: %s: %s" % (type(e).__name__, e)
    return result if isinstance(result, str) else json.dumps(result)


def run(completions, model, messages, tools, params):
    return completions._c._conn.run(_rounds(completions, model, messages, tools, params))


def _rounds(completions, model, messages, tools, params):
    # the steps of run (see tinyopenai.steps): one request per round
    if "pick" in params:
        raise TypeError("run_tools takes no pick: it reads each whole answer for its tool calls")
    max_rounds = params.pop("max_rounds", 8)
    stream = params.pop("stream", False)
    on_chunk = params.pop("on_chunk", None)
    specs = [_spec(name, tools[name]) for name in tools]
    for _ in range(max_rounds):
        if stream:
            s = yield completions.create(model=model, messages=messages, tools=specs, stream=True, **params)
            done = yield s.get_final_completion(on_chunk)
        else:
            done = yield completions.create(model=model, messages=messages, tools=specs, **params)
        choices = (done or {}).get("choices") or ()
        msg = (choices[0].get("message") or {}) if choices else {}
        calls = msg.get("tool_calls")
        if not calls:
            return done
        messages.append({"role": "assistant", "content": msg.get("content"), "tool_calls": calls})
        for call in calls:
            messages.append({"role": "tool", "tool_call_id": call.get("id"), "content": _output(tools, call)})
        done = msg = calls = None  # (the next answer is read with this one gone)
    raise OpenAIError("run_tools: the model still called tools after %d rounds" % max_rounds)
