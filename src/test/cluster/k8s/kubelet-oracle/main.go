// Command kubelet-oracle answers, for each case of a corpus, what the kubelet of this module's
// Kubernetes version makes of an image and a Pod's pull Secrets. It calls the kubelet's own code:
// the image manager's reference handling (pkg/util/parsers, as applyDefaultImageTag and the
// credential lookup use it), the API server's imagePullPolicy default (pkg/apis/core/v1), the
// keyring built from the Secrets (pkg/credentialprovider/secrets.MakeDockerKeyring) and its
// Lookup. It never re-implements a rule: where it reports more than Lookup returns (the keyring's
// index, which key a credential came from) it reads the keyring's own state or calls the
// package's exported matcher.
//
// Input on stdin, one JSON object per line:
//
//	{"id": "...", "image": "...", "secrets": [{"name": "...", "type": "...", "data": {"key": "<base64>"}}]}
//
// Output on stdout, one JSON object per line, in input order (see the case type below). The map
// order of a Secret's registries is random in the kubelet, so the keyring is built and looked up
// many times; every distinct order of tries that was observed is reported.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/types"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/klog/v2"
	corev1defaults "k8s.io/kubernetes/pkg/apis/core/v1"
	"k8s.io/kubernetes/pkg/credentialprovider"
	"k8s.io/kubernetes/pkg/credentialprovider/secrets"
	"k8s.io/kubernetes/pkg/util/parsers"
)

type inputSecret struct {
	Name string            `json:"name"`
	Type string            `json:"type"`
	Data map[string][]byte `json:"data"` // base64 in JSON, as in a Secret manifest
}

type inputCase struct {
	ID      string        `json:"id"`
	Image   string        `json:"image"`
	Secrets []inputSecret `json:"secrets"`
}

type imageAnswer struct {
	Error             string `json:"error,omitempty"`
	Pull              string `json:"pull,omitempty"`   // the image after the default tag
	Repo              string `json:"repo,omitempty"`   // what Lookup is called with
	Tag               string `json:"tag,omitempty"`    // tag after defaulting ("latest" when none)
	Digest            string `json:"digest,omitempty"` // digest, if any
	DefaultPullPolicy string `json:"defaultPullPolicy"`
}

type credential struct {
	Key      string `json:"key"` // the index key the credential was found under
	Secret   string `json:"secret"`
	Username string `json:"username"`
	Password string `json:"password"`
	Email    string `json:"email"`
	Fallback bool   `json:"fallback,omitempty"` // found by the Docker Hub fallback
}

type ignored struct {
	Entry string `json:"entry"` // the registry as Add saw it (scheme added)
	Error string `json:"error"`
}

type keyringAnswer struct {
	Error   string                  `json:"error,omitempty"`
	Index   []string                `json:"index"` // the keyring's index, in its (reverse-sorted) order
	Creds   map[string][]credential `json:"creds"` // per index key, as built by one run
	Ignored []ignored               `json:"ignored"`
}

type answer struct {
	ID      string          `json:"id"`
	Image   imageAnswer     `json:"image"`
	Keyring keyringAnswer   `json:"keyring"`
	Tries   [][]credential  `json:"tries"` // every distinct order observed (absent when no lookup ran)
	Runs    int             `json:"runs"`
	Notes   []string        `json:"notes,omitempty"`
	Raw     json.RawMessage `json:"-"`
}

// klog line of BasicDockerKeyring.Add for an entry it cannot parse.
var ignoredLine = regexp.MustCompile(`Entry ("(?:[^"\\]|\\.)*") in dockercfg invalid \((.*)\), ignoring`)

func main() {
	runs := flag.Int("runs", 200, "lookups per case when a key holds several credentials of one Secret")
	flag.Parse()

	// Which Secret a credential came from is only recorded with this gate (on by default since 1.35).
	if err := utilfeature.DefaultMutableFeatureGate.SetFromMap(map[string]bool{"KubeletEnsureSecretPulledImages": true}); err != nil {
		fmt.Fprintln(os.Stderr, "feature gate:", err)
		os.Exit(2)
	}
	var logs bytes.Buffer
	klogFlags := flag.NewFlagSet("klog", flag.ContinueOnError)
	klog.InitFlags(klogFlags)
	_ = klogFlags.Set("logtostderr", "false")
	_ = klogFlags.Set("alsologtostderr", "false")
	_ = klogFlags.Set("stderrthreshold", "FATAL")
	_ = klogFlags.Set("skip_headers", "true")
	klog.SetOutput(&logs)

	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	line := 0
	for in.Scan() {
		line++
		if len(bytes.TrimSpace(in.Bytes())) == 0 {
			continue
		}
		var c inputCase
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			fmt.Fprintf(os.Stderr, "line %d: %v\n", line, err)
			os.Exit(2)
		}
		if err := enc.Encode(run(c, *runs, &logs)); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}

func run(c inputCase, runs int, logs *bytes.Buffer) answer {
	a := answer{ID: c.ID}

	// The API server's default for imagePullPolicy.
	container := v1.Container{Image: c.Image}
	corev1defaults.SetDefaults_Container(&container)
	a.Image.DefaultPullPolicy = string(container.ImagePullPolicy)

	// The image manager: applyDefaultImageTag (unexported; it is ParseImageName plus the tag
	// appended when the reference does not end with it), then the lookup parses the result again.
	repo := ""
	if _, tag, digest, err := parsers.ParseImageName(c.Image); err != nil {
		a.Image.Error = err.Error()
	} else {
		pull := c.Image
		if len(digest) == 0 && len(tag) > 0 && !strings.HasSuffix(pull, ":"+tag) {
			pull = pull + ":" + tag
		}
		r, tag2, digest2, err := parsers.ParseImageName(pull)
		if err != nil {
			a.Image.Error = "after the default tag: " + err.Error()
		} else {
			repo = r
			a.Image.Pull, a.Image.Repo, a.Image.Tag, a.Image.Digest = pull, r, tag2, digest2
		}
	}

	pullSecrets := make([]v1.Secret, 0, len(c.Secrets))
	for _, s := range c.Secrets {
		sec := v1.Secret{Type: v1.SecretType(s.Type), Data: s.Data}
		sec.Name, sec.Namespace, sec.UID = s.Name, "corpus", types.UID("uid-"+s.Name)
		pullSecrets = append(pullSecrets, sec)
	}

	seen := map[string]bool{}
	for i := 0; i < max(1, runs); i++ {
		logs.Reset()
		keyring, err := secrets.MakeDockerKeyring(pullSecrets, credentialprovider.UnionDockerKeyring{})
		if err != nil {
			a.Keyring.Error = err.Error()
			a.Runs = 1
			return a
		}
		basic := basicKeyring(keyring)
		if i == 0 {
			a.Keyring.Index, a.Keyring.Creds = inspect(basic)
			a.Keyring.Ignored = parseIgnored(logs.String())
			if !severalPerSecret(a.Keyring.Creds) {
				runs = 1 // nothing in this keyring depends on map order
			}
		}
		a.Runs = i + 1
		if repo == "" {
			continue
		}
		tries, _ := keyring.Lookup(repo)
		attributed, note := attribute(tries, basic, repo)
		if note != "" && !contains(a.Notes, note) {
			a.Notes = append(a.Notes, note)
		}
		key := fmt.Sprint(attributed)
		if !seen[key] {
			seen[key] = true
			a.Tries = append(a.Tries, attributed)
		}
	}
	return a
}

// basicKeyring finds the keyring built from the Secrets inside what MakeDockerKeyring returns
// (a union of it and the default keyring), or nil when no Secret was usable.
func basicKeyring(k credentialprovider.DockerKeyring) *credentialprovider.BasicDockerKeyring {
	if u, ok := k.(credentialprovider.UnionDockerKeyring); ok {
		for _, sub := range u {
			if b, ok := sub.(*credentialprovider.BasicDockerKeyring); ok {
				return b
			}
		}
	}
	return nil
}

// inspect reads the keyring's unexported index and credentials (reading only, by reflection).
func inspect(b *credentialprovider.BasicDockerKeyring) ([]string, map[string][]credential) {
	index := []string{}
	creds := map[string][]credential{}
	if b == nil {
		return index, creds
	}
	v := reflect.ValueOf(b).Elem()
	iv := v.FieldByName("index")
	for i := 0; i < iv.Len(); i++ {
		index = append(index, iv.Index(i).String())
	}
	cv := v.FieldByName("creds")
	for _, k := range cv.MapKeys() {
		list := cv.MapIndex(k)
		for i := 0; i < list.Len(); i++ {
			creds[k.String()] = append(creds[k.String()], fromValue(k.String(), list.Index(i)))
		}
	}
	return index, creds
}

func fromValue(key string, t reflect.Value) credential {
	ac := t.FieldByName("AuthConfig")
	c := credential{
		Key:      key,
		Username: ac.FieldByName("Username").String(),
		Password: ac.FieldByName("Password").String(),
		Email:    ac.FieldByName("Email").String(),
	}
	if src := t.FieldByName("Source"); !src.IsNil() {
		if sec := src.Elem().FieldByName("Secret"); !sec.IsNil() {
			c.Secret = sec.Elem().FieldByName("Name").String()
		}
	}
	return c
}

func severalPerSecret(creds map[string][]credential) bool {
	for _, list := range creds {
		per := map[string]int{}
		for _, c := range list {
			per[c.Secret]++
			if per[c.Secret] > 1 {
				return true
			}
		}
	}
	return false
}

// attribute names the index key of each credential Lookup returned: Lookup appends the
// credentials of every index key that URLsMatchStr accepts, in index order, and only when none
// matches, those of the Docker Hub key.
func attribute(tries []credentialprovider.TrackedAuthConfig, b *credentialprovider.BasicDockerKeyring, repo string) ([]credential, string) {
	out := []credential{}
	if len(tries) == 0 {
		return out, ""
	}
	index, _ := inspect(b)
	var keys []string
	for _, k := range index {
		if ok, _ := credentialprovider.URLsMatchStr(k, repo); ok {
			keys = append(keys, k)
		}
	}
	fallback := len(keys) == 0
	if fallback {
		keys = []string{"index.docker.io"}
	}
	creds := reflect.ValueOf(b).Elem().FieldByName("creds")
	i := 0
	for _, k := range keys {
		n := creds.MapIndex(reflect.ValueOf(k)).Len()
		for j := 0; j < n && i < len(tries); j++ {
			c := credential{
				Key:      k,
				Username: tries[i].Username,
				Password: tries[i].Password,
				Email:    tries[i].Email,
				Fallback: fallback,
			}
			if tries[i].Source != nil && tries[i].Source.Secret != nil {
				c.Secret = tries[i].Source.Secret.Name
			}
			out = append(out, c)
			i++
		}
	}
	if i != len(tries) {
		return out, fmt.Sprintf("attribution covers %d of %d credentials", i, len(tries))
	}
	return out, ""
}

func parseIgnored(logs string) []ignored {
	out := []ignored{}
	seen := map[string]bool{} // klog writes an error once per severity below it too
	for _, line := range strings.Split(logs, "\n") {
		m := ignoredLine.FindStringSubmatch(line)
		if m == nil || seen[line] {
			continue
		}
		seen[line] = true
		entry, err := strconv.Unquote(m[1])
		if err != nil {
			entry = m[1]
		}
		out = append(out, ignored{Entry: entry, Error: m[2]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Entry < out[j].Entry })
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
