package measure

import (
	"bytes"
	"os"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// ValidateSchema checks a JSON document (a report) against a JSON Schema
// file (ladder/compare.schema.json).
func ValidateSchema(schemaPath string, doc []byte) error {
	schemaDoc, err := os.ReadFile(schemaPath)
	if err != nil {
		return err
	}
	s, err := jsonschema.UnmarshalJSON(bytes.NewReader(schemaDoc))
	if err != nil {
		return err
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("compare.schema.json", s); err != nil {
		return err
	}
	sch, err := c.Compile("compare.schema.json")
	if err != nil {
		return err
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		return err
	}
	return sch.Validate(v)
}
