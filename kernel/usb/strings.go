package usb

import "unicode/utf16"

// LangEnglishUS is the language ID most devices offer (USB LANGIDs 1.0).
const LangEnglishUS = 0x0409

// ParseString decodes a string descriptor (USB 2.0 §9.6.7): UTF-16LE
// after the 2-byte header. Refused: a wrong type, an odd length, or a
// bLength past the bytes given.
func ParseString(b []byte) (string, error) {
	u, err := stringUnits(b)
	if err != nil {
		return "", err
	}
	return string(utf16.Decode(u)), nil
}

// ParseLanguages decodes string descriptor 0, the list of language IDs
// the device's strings come in (Table 9-15).
func ParseLanguages(b []byte) ([]uint16, error) {
	return stringUnits(b)
}

func stringUnits(b []byte) ([]uint16, error) {
	if err := header(b, "string", DescString, 2, true); err != nil {
		return nil, err
	}
	n := int(b[0])
	if n%2 != 0 {
		return nil, descErr("string", "odd bLength %d", n)
	}
	u := make([]uint16, 0, (n-2)/2)
	for off := 2; off < n; off += 2 {
		u = append(u, le16(b, off))
	}
	return u, nil
}
