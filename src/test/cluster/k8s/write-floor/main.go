// Command write-floor issues the benchmark's floor writes (docs/benchmarks.md) with client-go, the
// API client of the Kubernetes components themselves: the fastest client available here, so that
// the floor measures the API server and not the client. It is built from the same Kubernetes
// module as the control plane (and with its build flags), so the Go build cache of that compile
// serves it.
//
//	write-floor -kubeconfig FILE -plan FILE
//
// The plan (JSON, written by the benchmark) names the writes:
//
//	fanout:   for each namespace, create the Secret and add an imagePullSecrets entry (and an
//	          annotation recording it) to each named ServiceAccount, read-modify-write from a list
//	          made before the start, with the ServiceAccount's resourceVersion; on 409 read it
//	          again and retry
//	rotation: for each namespace, update the Secret (listed before the start) with new data and a
//	          new hash annotation, with its resourceVersion
//
// One task per namespace on a pool of `concurrency` goroutines, as the operator's writer pool. No
// client-side rate limit (QPS -1): the API server's own flow control is the only bound.
//
// Protocol on stdin/stdout: after the set-up (client, lists) it prints "ready" and waits for one
// line on stdin; then it writes and prints "done <seconds> <requests> <conflicts> <failures>
// <cpu-seconds>" (the CPU time of the writes, without the set-up).
// The benchmark times the writes with its own watches, from the moment it sends that line.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

type plan struct {
	Mode            string            `json:"mode"`
	Concurrency     int               `json:"concurrency"`
	Namespaces      []string          `json:"namespaces"`
	SecretName      string            `json:"secretName"`
	SecretType      string            `json:"secretType"`
	Data            map[string]string `json:"data"` // base64, as in a Secret's JSON
	Labels          map[string]string `json:"labels"`
	HashAnnotation  string            `json:"hashAnnotation"`
	ServiceAccounts []string          `json:"serviceAccounts"`
	EntryAnnotation string            `json:"entryAnnotation"`
	EntryValue      string            `json:"entryValue"`
}

func main() {
	kubeconfig := flag.String("kubeconfig", "", "kubeconfig of the floor's identity")
	planFile := flag.String("plan", "", "the writes (JSON)")
	flag.Parse()
	if err := run(*kubeconfig, *planFile); err != nil {
		fmt.Fprintln(os.Stderr, "write-floor:", err)
		os.Exit(1)
	}
}

func run(kubeconfig, planFile string) error {
	raw, err := os.ReadFile(planFile)
	if err != nil {
		return err
	}
	var p plan
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("plan: %w", err)
	}
	if p.Concurrency < 1 {
		return fmt.Errorf("plan: concurrency %d", p.Concurrency)
	}
	data := map[string][]byte{}
	for k, v := range p.Data {
		b, err := base64.StdEncoding.DecodeString(v)
		if err != nil {
			return fmt.Errorf("plan: data %s: %w", k, err)
		}
		data[k] = b
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS = -1 // no client-side limiter
	cfg.Timeout = 60 * time.Second
	cfg.UserAgent = "pullpolicy-bench-write-floor"
	c, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}
	ctx := context.Background()

	// What the writes start from, read before the start (the operator has it in its caches).
	wanted := map[string]bool{}
	for _, ns := range p.Namespaces {
		wanted[ns] = true
	}
	sas := map[string]*corev1.ServiceAccount{}
	secrets := map[string]*corev1.Secret{}
	switch p.Mode {
	case "fanout":
		list, err := c.CoreV1().ServiceAccounts("").List(ctx, metav1.ListOptions{})
		if err != nil {
			return err
		}
		for i := range list.Items {
			sa := &list.Items[i]
			if wanted[sa.Namespace] {
				sas[sa.Namespace+"/"+sa.Name] = sa
			}
		}
	case "rotation":
		list, err := c.CoreV1().Secrets("").List(ctx, metav1.ListOptions{
			FieldSelector: "metadata.name=" + p.SecretName,
		})
		if err != nil {
			return err
		}
		for i := range list.Items {
			s := &list.Items[i]
			if wanted[s.Namespace] {
				secrets[s.Namespace] = s
			}
		}
	default:
		return fmt.Errorf("plan: unknown mode %q", p.Mode)
	}

	var setup syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &setup)
	setupCPU := time.Duration(setup.Utime.Nano() + setup.Stime.Nano())
	fmt.Println("ready")
	if _, err := bufio.NewReader(os.Stdin).ReadString('\n'); err != nil {
		return fmt.Errorf("waiting for the start: %w", err)
	}
	start := time.Now()
	var requests, conflicts, failures atomic.Int64
	var firstErr error
	var errOnce sync.Once
	fail := func(err error) {
		failures.Add(1)
		errOnce.Do(func() { firstErr = err })
	}
	tasks := make(chan string)
	var wg sync.WaitGroup
	for w := 0; w < p.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ns := range tasks {
				switch p.Mode {
				case "fanout":
					s := &corev1.Secret{
						ObjectMeta: metav1.ObjectMeta{
							Name:        p.SecretName,
							Namespace:   ns,
							Labels:      p.Labels,
							Annotations: map[string]string{p.HashAnnotation: random(64)},
						},
						Type: corev1.SecretType(p.SecretType),
						Data: data,
					}
					requests.Add(1)
					if _, err := c.CoreV1().Secrets(ns).Create(ctx, s, metav1.CreateOptions{}); err != nil {
						fail(err)
						continue
					}
					for _, name := range p.ServiceAccounts {
						n, cf, err := addEntry(ctx, c, sas[ns+"/"+name], ns, name, p)
						requests.Add(n)
						conflicts.Add(cf)
						if err != nil {
							fail(err)
						}
					}
				case "rotation":
					s := secrets[ns].DeepCopy()
					if s == nil {
						fail(fmt.Errorf("no Secret %s/%s listed", ns, p.SecretName))
						continue
					}
					s.Data = data
					if s.Annotations == nil {
						s.Annotations = map[string]string{}
					}
					s.Annotations[p.HashAnnotation] = random(64)
					requests.Add(1)
					if _, err := c.CoreV1().Secrets(ns).Update(ctx, s, metav1.UpdateOptions{}); err != nil {
						fail(err)
					}
				}
			}
		}()
	}
	for _, ns := range p.Namespaces {
		tasks <- ns
	}
	close(tasks)
	wg.Wait()
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano()+ru.Stime.Nano()) - setupCPU
	fmt.Printf("done %.3f %d %d %d %.3f\n", time.Since(start).Seconds(), requests.Load(),
		conflicts.Load(), failures.Load(), cpu.Seconds())
	if failures.Load() > 0 {
		return fmt.Errorf("%d writes failed, the first: %v", failures.Load(), firstErr)
	}
	return nil
}

// addEntry is the operator's read-modify-write: from the listed object, append the entry and
// record it in an annotation, update with its resourceVersion; on 409 read again and retry.
// It returns the requests made and the conflicts met.
func addEntry(ctx context.Context, c kubernetes.Interface, cached *corev1.ServiceAccount,
	ns, name string, p plan) (int64, int64, error) {
	var requests, conflicts int64
	sa := cached
	for attempt := 0; ; attempt++ {
		if sa == nil {
			requests++
			got, err := c.CoreV1().ServiceAccounts(ns).Get(ctx, name, metav1.GetOptions{})
			if err != nil {
				return requests, conflicts, err
			}
			sa = got
		}
		edited := sa.DeepCopy()
		edited.ImagePullSecrets = append(edited.ImagePullSecrets,
			corev1.LocalObjectReference{Name: p.SecretName})
		if edited.Annotations == nil {
			edited.Annotations = map[string]string{}
		}
		edited.Annotations[p.EntryAnnotation] = p.EntryValue
		requests++
		_, err := c.CoreV1().ServiceAccounts(ns).Update(ctx, edited, metav1.UpdateOptions{})
		if err == nil {
			return requests, conflicts, nil
		}
		if !apierrors.IsConflict(err) || attempt > 5 {
			return requests, conflicts, err
		}
		conflicts++
		sa = nil
	}
}

func random(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
