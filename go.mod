module github.com/insomnia-lsp/insomnia-lsp

go 1.26.8

// Secret detection (profile/secrets) does not require gitleaks
// (github.com/zricethezav/gitleaks/v8 v8.30.1). Measured on the same sets
// (profile/secrets/gitleaks_test.go reads its config/gitleaks.toml from the
// module cache): on 1,620 generated keys of 27 formats in three positions
// its 222 rules find 84.9% (81.3% of bare values: no rule for OpenRouter
// keys, nor for a bare AWS secret key or high-entropy token without a
// prefix) against 100% for the hand-written detector, and it has 1 false finding on
// the 21,175 literals of the corpus and examples against 0. Its rules for
// AWS session key ids, Stripe, Slack app and Hugging Face tokens found keys
// our shapes missed, so those regexes are adopted into keyShapes; the
// module itself is not, as its config package alone pulls in viper and
// about 170 modules.

require (
	github.com/BurntSushi/toml v1.6.0 // indirect
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/go-json-experiment/json v0.0.0-20260601182631-00ed12fed2a6 // indirect
	github.com/pelletier/go-toml/v2 v2.4.3 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	go.lsp.dev/jsonrpc2 v1.0.1 // indirect
	go.lsp.dev/protocol v1.0.0 // indirect
	go.lsp.dev/uri v1.0.0 // indirect
	go.uber.org/multierr v1.11.0 // indirect
	go.uber.org/zap v1.28.0 // indirect
	golang.org/x/sys v0.45.0 // indirect
	golang.org/x/text v0.36.0 // indirect
)
