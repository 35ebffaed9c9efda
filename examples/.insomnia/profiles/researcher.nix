# Searches the web and reads the workspace; writes nothing.
(import ./common.nix).mkRole "researcher" {
  description = "Reads the web and the workspace; writes nothing";
  manifest = {
    model.ref = "openrouter/google/gemini-2.5-pro";
    web = {
      enabled = true;
      search = {
        provider = "brave";
        api_key_env = "BRAVE_SEARCH_API_KEY";
      };
      fetch.enabled = true;
    };
  };
}
