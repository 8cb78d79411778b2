package boottest

import "encoding/json"

func jsonString(raw []byte, s *string) error { return json.Unmarshal(raw, s) }
