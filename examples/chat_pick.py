# One chat answer, and only the field you need: pick= builds just the reply's text (and the
# token count), however long the rest of the answer is.
from tinyopenai import OpenAI

client = OpenAI()  # OPENAI_API_KEY, OPENAI_BASE_URL, SSL_CERT_FILE; on a board: OpenAI(api_key="sk-...")
text, tokens = client.chat.completions.create(
    model="gpt-4o-mini",
    messages=[{"role": "user", "content": "Name one houseplant that likes 21 C."}],
    pick=("choices.0.message.content", "usage.total_tokens"),
)
print(text)
print("tokens:", tokens)
