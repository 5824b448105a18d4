package content

import "fmt"

// Decoded is a document and its front matter as Decode made them.
type Decoded struct {
	Doc  *Document
	Meta any
}

// RoundTrip decodes a file of kind ("report", "incident", "maintenance",
// "announcement")
// as a load without cache does, and encodes what it made as the cache
// does and decodes that as a warm load does, returning both.
func RoundTrip(kind, path string, src []byte) (parsed, cached Decoded, err error) {
	switch kind {
	case kindReport:
		return roundTrip[reportMeta](path, src)
	case kindIncident:
		return roundTrip[incidentMeta](path, src)
	case kindMaintenance:
		return roundTrip[maintenanceMeta](path, src)
	case kindAnnouncement:
		return roundTrip[announcementMeta](path, src)
	}
	return Decoded{}, Decoded{}, fmt.Errorf("unknown kind %q", kind)
}

func roundTrip[M any, P cacheable[M]](path string, src []byte) (parsed, cached Decoded, err error) {
	var m M
	doc, err := Decode(path, src, P(&m))
	if err != nil {
		return Decoded{}, Decoded{}, err
	}
	b, ok := encodeEntry(doc, src, P(&m))
	if !ok {
		return Decoded{}, Decoded{}, fmt.Errorf("%s: not encoded", path)
	}
	var m2 M
	doc2, ok := decodeEntry(string(b), path, src, P(&m2))
	if !ok {
		return Decoded{}, Decoded{}, fmt.Errorf("%s: entry does not decode", path)
	}
	return Decoded{doc, &m}, Decoded{doc2, &m2}, nil
}
