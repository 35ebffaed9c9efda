{ scheme = "openai"; }
