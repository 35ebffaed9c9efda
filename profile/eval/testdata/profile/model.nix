{
  scheme = "anthropic";
  model_id = "claude";
  auth = { kind = "secret_ref"; ref = "anthropic-key"; };
}
