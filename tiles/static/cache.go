package static

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"

	"layoutmap/geo"
)

// RenderVersion changes whenever the drawing changes, so cached images and
// ETags of an older renderer do not survive an upgrade.
const RenderVersion = "3"

// Key names one image: format, dataset version, renderer version, the
// options and the filter, canonically encoded. It is the cache key and,
// quoted, the ETag.
func Key(format string, datasetVersion int64, o Options, f geo.Filter, attribution string) string {
	q := url.Values{}
	for k, v := range o.Encode() {
		q[k] = v
	}
	for k, v := range f.Encode() {
		q["f."+k] = v
	}
	h := sha256.New()
	h.Write([]byte(format + "\x00" + strconv.FormatInt(datasetVersion, 10) + "\x00" + RenderVersion + "\x00" + attribution + "\x00" + q.Encode()))
	return format + "-" + strconv.FormatInt(datasetVersion, 10) + "-" + hex.EncodeToString(h.Sum(nil)[:12])
}
