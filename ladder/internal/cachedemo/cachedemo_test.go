package cachedemo

import (
	"encoding/json"
	"testing"
	"time"
)

// out/cache-demo.json is read by make readme and by readers' own tools:
// its keys stay exactly these.
func TestReportJSONKeys(t *testing.T) {
	rep := Report{GeneratedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), RegistryImage: "registry:3", StandInBases: true,
		Modes: []Mode{{Name: "inline", CacheRef: "127.0.0.1:5000/go-docker-final:inline-1", ColdS: 1.5, EmptyBuilderNoopS: 2, EmptyBuilderEditS: 3,
			ImportedFromRegistry: true, NoopSteps: StepCounts{Ran: 1, Cached: 9}, StepsCachedAfterEdit: 7, StepsRunAfterEdit: 3,
			PackagesCompiledAfterEdit: 42, CacheBytes: 1234}}}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"generated_at":"2026-01-02T03:04:05Z","registry_image":"registry:3","stand_in_bases":true,"modes":[` +
		`{"name":"inline","cache_ref":"127.0.0.1:5000/go-docker-final:inline-1","cold_s":1.5,"empty_builder_noop_s":2,"empty_builder_edit_s":3,` +
		`"imported_from_registry":true,"noop_steps":{"ran":1,"cached":9},"steps_cached_after_edit":7,"steps_run_after_edit":3,` +
		`"packages_compiled_after_edit":42,"cache_bytes":1234}]}`
	if got := string(js); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
