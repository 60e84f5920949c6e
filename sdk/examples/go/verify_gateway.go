// Verify that a request reached your API through the x402 Gateway. Standard library only.
//
//	verifier := NewGatewayVerifier([]string{os.Getenv("GATEWAY_SIGNING_SECRET")}, 300*time.Second)
//	facts, err := verifier.Verify(r.Method, r.URL.RequestURI(), r.Header.Get)
//	if err != nil { http.Error(w, err.Error(), http.StatusUnauthorized); return }
//
// X-Gateway-Signature: t=<unix seconds>,n=<nonce>,v1=<hex>[,v1=<hex>...]
// v1 = hex(HMAC-SHA256(secret, "x402-gateway.v1\n<t>\n<n>\n<X-Request-Id>\n<METHOD>\n<path>\n<query>\n<X-Gateway-Payment>"))
package main

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

const signatureVersion = "x402-gateway.v1"

// GatewayVerificationError carries a stable reason code.
type GatewayVerificationError struct{ Reason string }

func (e *GatewayVerificationError) Error() string { return "gateway verification failed: " + e.Reason }

// GatewayVerifier checks X-Gateway-Signature and refuses replays within the tolerance window.
type GatewayVerifier struct {
	Secrets   []string
	Tolerance time.Duration
	Now       func() time.Time
	mu        sync.Mutex
	seen      map[string]int64
}

func NewGatewayVerifier(secrets []string, tolerance time.Duration) *GatewayVerifier {
	return &GatewayVerifier{Secrets: secrets, Tolerance: tolerance, Now: time.Now, seen: map[string]int64{}}
}

var (
	digits  = regexp.MustCompile(`^\d{1,12}$`)
	nonceRe = regexp.MustCompile(`^[0-9a-f]{8,64}$`)
	v1Re    = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// Verify returns the payment facts of a request that the gateway signed.
// requestURI is the request line's path and query as received (r.URL.RequestURI()).
func (v *GatewayVerifier) Verify(method, requestURI string, header func(string) string) (map[string]any, error) {
	sig := header("x-gateway-signature")
	if sig == "" {
		return nil, &GatewayVerificationError{"missing_signature"}
	}
	var ts int64 = -1
	nonce := ""
	var given []string
	for _, part := range strings.Split(sig, ",") {
		key, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return nil, &GatewayVerificationError{"malformed_signature"}
		}
		switch {
		case key == "t" && digits.MatchString(val):
			ts, _ = strconv.ParseInt(val, 10, 64)
		case key == "n" && nonceRe.MatchString(val):
			nonce = val
		case key == "v1" && v1Re.MatchString(val):
			given = append(given, val)
		}
	}
	if ts < 0 || nonce == "" || len(given) == 0 {
		return nil, &GatewayVerificationError{"malformed_signature"}
	}
	now := v.Now().Unix()
	tolerance := int64(v.Tolerance / time.Second)
	if now-ts > tolerance || ts-now > tolerance {
		return nil, &GatewayVerificationError{"stale_timestamp"}
	}

	path, query, _ := strings.Cut(requestURI, "?")
	payment := header("x-gateway-payment")
	payload := strings.Join([]string{signatureVersion, strconv.FormatInt(ts, 10), nonce, header("x-request-id"), strings.ToUpper(method), path, query, payment}, "\n")
	matched := false
	for _, secret := range v.Secrets {
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(payload))
		expected := mac.Sum(nil)
		for _, g := range given {
			if b, err := hex.DecodeString(g); err == nil && hmac.Equal(expected, b) {
				matched = true
			}
		}
	}
	if !matched {
		return nil, &GatewayVerificationError{"bad_signature"}
	}

	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(payment, "="))
	var facts map[string]any
	if err != nil || json.Unmarshal(raw, &facts) != nil || facts["kind"] == nil {
		return nil, &GatewayVerificationError{"malformed_payment"}
	}

	// only a valid signature's nonce is remembered, so forgeries cannot fill the set
	v.mu.Lock()
	defer v.mu.Unlock()
	for n, exp := range v.seen {
		if exp <= now {
			delete(v.seen, n)
		}
	}
	if _, dup := v.seen[nonce]; dup {
		return nil, &GatewayVerificationError{"replayed"}
	}
	v.seen[nonce] = ts + tolerance
	return facts, nil
}

// Test driver: {"secrets": [...], "now": <unix seconds>, "requests": [{"method", "url", "headers"}]}
// on stdin; one JSON result per request on stdout, verified in order by one verifier.
func main() {
	var input struct {
		Secrets  []string `json:"secrets"`
		Now      int64    `json:"now"`
		Requests []struct {
			Method  string            `json:"method"`
			URL     string            `json:"url"`
			Headers map[string]string `json:"headers"`
		} `json:"requests"`
	}
	if err := json.NewDecoder(bufio.NewReader(os.Stdin)).Decode(&input); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	verifier := NewGatewayVerifier(input.Secrets, 300*time.Second)
	verifier.Now = func() time.Time { return time.Unix(input.Now, 0) }
	out := json.NewEncoder(os.Stdout)
	for _, r := range input.Requests {
		headers := r.Headers
		facts, err := verifier.Verify(r.Method, r.URL, func(name string) string { return headers[strings.ToLower(name)] })
		if err != nil {
			_ = out.Encode(map[string]any{"ok": false, "reason": err.(*GatewayVerificationError).Reason})
			continue
		}
		_ = out.Encode(map[string]any{"ok": true, "facts": facts})
	}
}
