package geo

import "math"

// Datum conversions between WGS84, GCJ-02 (the obfuscated datum of Chinese
// web maps such as Amap/DataV, and of the bundled boundary source) and BD-09
// (Baidu). GCJ-02 is a published-by-reverse-engineering forward transform
// from WGS84; it has no closed-form inverse, so GCJ02ToWGS84 iterates the
// forward transform until the residual is below a millimetre-scale epsilon
// (well under the 1 m the dataset needs). Points outside China's rough
// bounding box are returned unchanged, as GCJ-02 itself does.

const (
	gcjA  = 6378245.0              // Krasovsky 1940 semi-major axis used by GCJ-02
	gcjEE = 0.00669342162296594323 // its first eccentricity squared
	bdPi  = math.Pi * 3000.0 / 180.0
)

// OutOfChina reports whether a WGS84/GCJ-02 lon/lat lies outside the box in
// which GCJ-02 applies an offset.
func OutOfChina(lon, lat float64) bool {
	return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271 ||
		math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0)
}

func gcjTransformLat(x, y float64) float64 {
	ret := -100.0 + 2.0*x + 3.0*y + 0.2*y*y + 0.1*x*y + 0.2*math.Sqrt(math.Abs(x))
	ret += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	ret += (20.0*math.Sin(y*math.Pi) + 40.0*math.Sin(y/3.0*math.Pi)) * 2.0 / 3.0
	ret += (160.0*math.Sin(y/12.0*math.Pi) + 320*math.Sin(y*math.Pi/30.0)) * 2.0 / 3.0
	return ret
}

func gcjTransformLon(x, y float64) float64 {
	ret := 300.0 + x + 2.0*y + 0.1*x*x + 0.1*x*y + 0.1*math.Sqrt(math.Abs(x))
	ret += (20.0*math.Sin(6.0*x*math.Pi) + 20.0*math.Sin(2.0*x*math.Pi)) * 2.0 / 3.0
	ret += (20.0*math.Sin(x*math.Pi) + 40.0*math.Sin(x/3.0*math.Pi)) * 2.0 / 3.0
	ret += (150.0*math.Sin(x/12.0*math.Pi) + 300.0*math.Sin(x/30.0*math.Pi)) * 2.0 / 3.0
	return ret
}

// gcjDelta is the GCJ-02 offset (degrees) added to a WGS84 point.
func gcjDelta(lon, lat float64) (dlon, dlat float64) {
	dlat = gcjTransformLat(lon-105.0, lat-35.0)
	dlon = gcjTransformLon(lon-105.0, lat-35.0)
	radLat := lat / 180.0 * math.Pi
	magic := math.Sin(radLat)
	magic = 1 - gcjEE*magic*magic
	sqrtMagic := math.Sqrt(magic)
	dlat = (dlat * 180.0) / ((gcjA * (1 - gcjEE)) / (magic * sqrtMagic) * math.Pi)
	dlon = (dlon * 180.0) / (gcjA / sqrtMagic * math.Cos(radLat) * math.Pi)
	return dlon, dlat
}

// WGS84ToGCJ02 applies the forward GCJ-02 offset.
func WGS84ToGCJ02(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	dlon, dlat := gcjDelta(lon, lat)
	return lon + dlon, lat + dlat
}

// GCJ02ToWGS84 inverts WGS84ToGCJ02 by fixed-point iteration: starting from
// the GCJ point, it corrects the guess by the forward transform's residual.
// The offset varies slowly (its gradient is ~1e-5 per degree), so each step
// shrinks the error by orders of magnitude; a few steps reach < 1 mm.
func GCJ02ToWGS84(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	wlon, wlat := lon, lat
	for i := 0; i < 30; i++ {
		// gcjDelta, not WGS84ToGCJ02: near the edge of the box a guess may
		// fall just outside it, where the forward function is the identity
		// and the iteration would stall.
		dlon, dlat := gcjDelta(wlon, wlat)
		elon, elat := wlon+dlon-lon, wlat+dlat-lat
		wlon -= elon
		wlat -= elat
		// 1e-9 degrees is about 0.1 mm.
		if math.Abs(elon) < 1e-9 && math.Abs(elat) < 1e-9 {
			break
		}
	}
	return wlon, wlat
}

// GCJ02ToBD09 applies Baidu's BD-09 offset to a GCJ-02 point.
func GCJ02ToBD09(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	z := math.Sqrt(lon*lon+lat*lat) + 0.00002*math.Sin(lat*bdPi)
	theta := math.Atan2(lat, lon) + 0.000003*math.Cos(lon*bdPi)
	return z*math.Cos(theta) + 0.0065, z*math.Sin(theta) + 0.006
}

// BD09ToGCJ02 is the usual approximate inverse of GCJ02ToBD09 (error well
// under a metre).
func BD09ToGCJ02(lon, lat float64) (float64, float64) {
	if OutOfChina(lon, lat) {
		return lon, lat
	}
	x, y := lon-0.0065, lat-0.006
	z := math.Sqrt(x*x+y*y) - 0.00002*math.Sin(y*bdPi)
	theta := math.Atan2(y, x) - 0.000003*math.Cos(x*bdPi)
	return z * math.Cos(theta), z * math.Sin(theta)
}

// BD09ToWGS84 converts BD-09 to WGS84 through GCJ-02.
func BD09ToWGS84(lon, lat float64) (float64, float64) {
	return GCJ02ToWGS84(BD09ToGCJ02(lon, lat))
}

// WGS84ToBD09 converts WGS84 to BD-09 through GCJ-02.
func WGS84ToBD09(lon, lat float64) (float64, float64) {
	return GCJ02ToBD09(WGS84ToGCJ02(lon, lat))
}

// DistanceMeters is the great-circle (haversine) distance between two lon/lat
// points in metres on a 6371008.8 m sphere; used to check conversions.
func DistanceMeters(lon1, lat1, lon2, lat2 float64) float64 {
	const r = 6371008.8
	p1, p2 := lat1*math.Pi/180, lat2*math.Pi/180
	dp := p2 - p1
	dl := (lon2 - lon1) * math.Pi / 180
	a := math.Sin(dp/2)*math.Sin(dp/2) + math.Cos(p1)*math.Cos(p2)*math.Sin(dl/2)*math.Sin(dl/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(a)))
}
