// A batch job as a Go team writes one: client_golang's push package with its defaults (the
// protobuf delimited format), or the text format. Built by pushgateway/test/go-client.test.ts from
// Debian's golang-github-prometheus-client-golang-dev in GOPATH mode, with no network.
//
//	pusher <gateway URL> <job> protobuf|text classic|native|sparse [delta]
//
// native: a native histogram with classic buckets too; sparse: a native histogram alone. With
// delta, only the histogram, POSTed as a delta push (X-Push-Mode: delta).
package main

import (
	"fmt"
	"net/http"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/push"
	"github.com/prometheus/common/expfmt"
)

func main() {
	url, job, format, histogram := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	registry := prometheus.NewRegistry()

	records := prometheus.NewCounterVec(
		prometheus.CounterOpts{Name: "batch_records_total", Help: "Records the batch processed."},
		[]string{"table"},
	)
	records.WithLabelValues("students").Add(42)
	records.WithLabelValues("questions \"quoted\" \\ and\nnewline").Add(7.5)

	lastSuccess := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "batch_last_success_timestamp_seconds",
		Help: "When the batch last succeeded.",
	})
	lastSuccess.Set(1.7648e9)

	items := prometheus.NewSummary(prometheus.SummaryOpts{
		Name:       "batch_item_seconds",
		Help:       "Time per item.",
		Objectives: map[float64]float64{0.5: 0.05, 0.9: 0.01},
	})
	for _, v := range []float64{0.1, 0.2, 0.3, 0.4, 0.5} {
		items.Observe(v)
	}

	durationOpts := prometheus.HistogramOpts{
		Name:    "batch_duration_seconds",
		Help:    "Batch time.",
		Buckets: []float64{0.5, 1, 5},
	}
	observations := []float64{0.3, 0.7, 2, 9}
	if histogram != "classic" {
		durationOpts.NativeHistogramBucketFactor = 1.1
		// A negative value and a zero, for the negative buckets and the zero bucket.
		observations = append(observations, -1.5, 0, 2.05)
	}
	if histogram == "sparse" {
		durationOpts.Buckets = nil
	}
	duration := prometheus.NewHistogram(durationOpts)
	for _, v := range observations {
		duration.Observe(v)
	}

	untyped := prometheus.NewUntypedFunc(
		prometheus.UntypedOpts{Name: "batch_workers", Help: "Workers the batch ran."},
		func() float64 { return 3 },
	)
	delta := len(os.Args) > 5 && os.Args[5] == "delta"
	if delta {
		registry.MustRegister(duration)
	} else {
		registry.MustRegister(records, lastSuccess, items, duration, untyped)
	}

	pusher := push.New(url, job).Gatherer(registry).Grouping("instance", "runner-1")
	if format == "text" {
		pusher = pusher.Format(expfmt.FmtText)
	}
	var err error
	if delta {
		pusher = pusher.Client(deltaClient{})
		err = pusher.Add()
	} else {
		err = pusher.Push()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// deltaClient marks every request as a delta push, as our gateway's delta mode asks.
type deltaClient struct{}

func (deltaClient) Do(req *http.Request) (*http.Response, error) {
	req.Header.Set("X-Push-Mode", "delta")
	return http.DefaultClient.Do(req)
}
