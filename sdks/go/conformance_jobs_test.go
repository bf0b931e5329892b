package stateset_test

// The conformance scenario's jobs steps against the live server (skipped without one): a
// bulk mutation from an uploaded JSONL of three lines, one failing when it runs, waited
// for and its results read as they arrive (lines 1 to 3, data or error); a bulk query of
// the paging account's 250 customers equal to listing them; the job listed, its cancel
// refused once it ended.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stateset/stateset-go"
)

const createCustomer = "mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { id email } }"

func TestConformanceBulkMutationAnswersEachLineInOrder(t *testing.T) {
	client := direct(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	tag := unique("job")
	emails := []string{tag + "-1@jobs.example", "not-an-email", tag + "-3@jobs.example"}
	var jsonl bytes.Buffer
	for _, email := range emails {
		line, _ := json.Marshal(map[string]interface{}{"input": map[string]string{"email": email}})
		jsonl.Write(append(line, '\n'))
	}
	file, err := client.Files.Create(ctx, &stateset.FileCreateParams{File: bytes.NewReader(jsonl.Bytes()), Filename: "customers.jsonl"})
	if err != nil {
		t.Fatal(err)
	}
	job, err := client.Jobs.Create(ctx, &stateset.JobCreateParams{
		Type: stateset.JobTypeBulkMutation, Mutation: stateset.String(createCustomer), VariablesFile: stateset.String(file.ID),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(job.ID, "job_") || job.Status != stateset.JobStatusQueued || job.ErrorPolicy != "continue" ||
		!strings.HasPrefix(job.LastResponse.RequestID, "req_") {
		t.Fatalf("job = %+v", job)
	}
	ended, err := client.Jobs.Wait(ctx, job.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ended.Status != stateset.JobStatusSucceeded || ended.Total != 3 || ended.Processed != 3 || ended.Succeeded != 2 || ended.Failed != 1 {
		t.Fatalf("ended = %+v", ended)
	}

	results := client.Jobs.Results(ctx, job.ID, nil)
	defer results.Close()
	var found []stateset.JobLineResult
	for results.Next() {
		var result stateset.JobLineResult
		if err := results.Decode(&result); err != nil {
			t.Fatal(err)
		}
		found = append(found, result)
	}
	if err := results.Err(); err != nil {
		t.Fatal(err)
	}
	if results.LastResponse().HTTPStatus != 200 || len(found) != 3 {
		t.Fatalf("%d results: %+v", len(found), found)
	}
	for i, result := range found {
		if result.Line != int64(i+1) {
			t.Errorf("result %d is line %d", i, result.Line)
		}
	}
	email := func(r stateset.JobLineResult) interface{} {
		created, _ := r.Data["createCustomer"].(map[string]interface{})
		return created["email"]
	}
	if email(found[0]) != emails[0] || email(found[2]) != emails[2] || found[0].Error != nil || found[2].Error != nil {
		t.Errorf("lines 1 and 3: %+v, %+v", found[0], found[2])
	}
	if found[1].Data != nil || found[1].Error == nil || found[1].Error.Code != "INVALID_FIELD_FORMAT" ||
		found[1].Error.Param != "input.email" || !errors.Is(found[1].Error, stateset.ErrInvalidRequest) {
		t.Errorf("line 2: %+v (%v)", found[1], found[1].Error)
	}

	listed := false
	it := client.Jobs.List(ctx, &stateset.JobListParams{Limit: stateset.Int(100)})
	for it.Next() {
		listed = listed || it.Current().ID == job.ID
	}
	if it.Err() != nil || !listed {
		t.Errorf("listed %v, err %v", listed, it.Err())
	}
	if _, err := client.Jobs.Cancel(ctx, job.ID, nil); !errors.Is(err, stateset.ErrConflict) {
		t.Errorf("cancel err = %v", err)
	}
	missing := client.Jobs.Results(ctx, "job_missing", nil)
	if missing.Next() || !errors.Is(missing.Err(), stateset.ErrNotFound) {
		t.Errorf("missing err = %v", missing.Err())
	}
}

// On the paging account: exactly 250 customers, written by no test.
func TestConformanceBulkQueryAnswersWhatListingAnswers(t *testing.T) {
	v := env(t, "STATESET_BASE_URL", "STATESET_PAGING_API_KEY")
	client := stateset.NewClient(v["STATESET_PAGING_API_KEY"], stateset.WithBaseURL(v["STATESET_BASE_URL"]))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	listed := map[string]string{}
	it := client.Customers.List(ctx, &stateset.CustomerListParams{Limit: stateset.Int(100)})
	for it.Next() {
		listed[it.Current().ID] = it.Current().Email
	}
	if it.Err() != nil {
		t.Fatal(it.Err())
	}
	job, err := client.Jobs.Create(ctx, &stateset.JobCreateParams{
		Type: stateset.JobTypeBulkQuery, Query: stateset.String("{ customers { nodes { id email } } }"),
	})
	if err != nil {
		t.Fatal(err)
	}
	ended, err := client.Jobs.Wait(ctx, job.ID, nil)
	if err != nil || ended.Status != stateset.JobStatusSucceeded {
		t.Fatalf("ended = %+v, err = %v", ended, err)
	}
	nodes := map[string]string{}
	results := client.Jobs.Results(ctx, job.ID, nil)
	for results.Next() {
		var node struct{ ID, Email string }
		if err := results.Decode(&node); err != nil {
			t.Fatal(err)
		}
		nodes[node.ID] = node.Email
	}
	if results.Err() != nil {
		t.Fatal(results.Err())
	}
	if len(listed) != 250 || ended.Processed != 250 || !reflect.DeepEqual(nodes, listed) {
		t.Errorf("%d listed, %d processed, %d exported", len(listed), ended.Processed, len(nodes))
	}
}
